// `@tinylm/hf-io`: safetensors read/write (streamed, any dtype, F16/BF16 conversion) and Hugging
// Face model folders (config, shards + index, tokenizer files), plus the atomic file and folder
// helpers other tinylm packages reuse. Node-only parts use node:fs; the byte-level parts are also
// available without Node from `@tinylm/hf-io/bytes`.

export {
  atomicCopyFile,
  atomicWriteFile,
  type AtomicWriteOptions,
  tempSiblingPath,
  withAtomicFile,
} from './atomic-write';
export {
  bf16ArrayToFloat32,
  bf16BitsToFloat32,
  f32BitsToBf16Bits,
  float32ArrayToBf16,
  float32ToBf16Bits,
} from './bfloat16';
export {
  type Dtype,
  type DtypeArrayMap,
  DTYPES,
  dtypeByteSize,
  elementCount,
  isDtype,
  type TensorArray,
} from './dtype';
export {
  type ErrorLocation,
  HfFolderError,
  InvalidArgumentError,
  OutputExistsError,
  SafetensorsFormatError,
  SafetensorsWriteError,
  TensorNotFoundError,
  TinylmError,
  type TinylmErrorOptions,
} from './errors';
export * from './float-dtype';
export { f16ArrayToFloat32, f16BitsToFloat32, f32BitsToF16Bits, float32ArrayToF16, float32ToF16Bits } from './float16';
export {
  type ParseHeaderOptions,
  parseSafetensorsHeader,
  readHeaderSize,
  SAFETENSORS_MAX_HEADER_SIZE,
  type SafetensorsHeader,
  type TensorInfo,
} from './header-parse';
export {
  DEFAULT_SAFETENSORS_METADATA,
  type LayoutOptions,
  layoutSafetensors,
  type SafetensorsLayout,
  type TensorSpec,
} from './header-serialize';
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
export { indexForPlan, parseSafetensorsIndex, type SafetensorsIndex, serializeSafetensorsIndex } from './hf-index';
export { type JsonValue, type StringifyJsonOptions, stringifyJson } from './json';
export {
  parseSafetensors,
  SafetensorsBuffer,
  serializeSafetensors,
  type SerializeSafetensorsOptions,
} from './safetensors-bytes';
export { openSafetensors, SafetensorsFile, withSafetensors } from './safetensors-file';
export { type PlannedShard, planShards, type ShardPlan, shardFileName } from './shard-plan';
export { DEFAULT_MAX_SHARD_SIZE, parseShardSize } from './shard-size';
export { commitDir, type CommitDirOptions, withTempDir } from './temp-dir';
export { decodeTensor, decodeTensorAsFloat32 } from './tensor-decode';
export { encodeTensor } from './tensor-encode';
export { type ReadTensorOptions, type TensorByteRange, tensorByteRange } from './tensor-range';
export type { TensorData, TensorDataProducer, TensorSource } from './tensor-source';
export { type WriteSafetensorsOptions, type WrittenSafetensors, writeSafetensors } from './write-safetensors';
export { type WriteShardsOptions, type WrittenShards, writeSafetensorsShards } from './write-shards';
