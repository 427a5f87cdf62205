// `@tinylm/hf-io`: safetensors read/write (streamed, any dtype, F16/BF16 conversion) and Hugging
// Face model folders (config, shards + index, tokenizer files), plus the atomic file and folder
// helpers other tinylm packages reuse. Everything of `@tinylm/hf-io/bytes` (the byte-level parts,
// no Node modules) and, below, the parts that use node:fs.

export * from './bytes';
export {
  atomicCopyFile,
  atomicWriteFile,
  type AtomicWriteOptions,
  tempSiblingPath,
  withAtomicFile,
} from './atomic-write';
export { isFile, pathExists } from './path-probe';
export { HfCheckpoint, type HfTensorInfo, type OpenHfCheckpointOptions, openHfCheckpoint } from './hf-checkpoint';
export {
  copyTokenizerFiles,
  HF_JSON_FILES,
  type HfJsonFile,
  readHfJson,
  readJsonFile,
  TOKENIZER_FILES,
  writeHfJson,
  writeJsonFile,
} from './hf-files';
export {
  type HfFolder,
  readHfFolder,
  type WriteHfFolderOptions,
  type WrittenHfFolder,
  writeHfFolder,
} from './hf-folder';
export { openSafetensors, SafetensorsFile, withSafetensors } from './safetensors-file';
export { commitDir, type CommitDirOptions, withTempDir } from './temp-dir';
export { type CheckpointDir, listCheckpointDirs, readTrainerState } from './trainer-checkpoint-files';
export { type WriteSafetensorsOptions, type WrittenSafetensors, writeSafetensors } from './write-safetensors';
export { type WriteShardsOptions, type WrittenShards, writeSafetensorsShards } from './write-shards';
