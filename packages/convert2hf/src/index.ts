// @tinylm/convert2hf: training checkpoints (tinylm's own and InternEvo's model_tp*_pp*.pt) to
// Hugging Face LLaMA folders, and Hugging Face folders to GGUF for llama.cpp. Pure TypeScript on
// @tinylm/hf-io and @tinylm/arch-config; PyTorch pickles are read without executing anything.
// The PanGu-π Pro authors' counterpart is tools/transformers/convert2hf.py (docs/method.md, section 6).

export {
  type Convert2HfOptions,
  type Convert2HfResult,
  convert2hf,
  detectSourceFormat,
  openModelSource,
  type SourceFormat,
} from './convert';
export {
  CheckpointError,
  CheckpointWriteError,
  GgufExportError,
  PickleFormatError,
  SourceCheckpointError,
  UnsafePickleError,
  ZipFormatError,
} from './errors';
export { type ExportedGguf, type ExportGgufOptions, exportGguf, type GgufDtype } from './gguf-export';
export { detectPreTokenizer, GGUF_TOKEN_TYPES, type GgufVocab, type GgufVocabOptions, ggufVocab } from './gguf-tokenizer';
export {
  GGML_TYPES,
  GGUF_VALUE_TYPES,
  type GgufScalarType,
  type GgufTensor,
  type GgufValue,
  type WriteGgufOptions,
  type WrittenGguf,
  writeGguf,
} from './gguf-writer';
export {
  OUTPUT_DTYPES,
  type OutputDtype,
  resolveSpecialIds,
  type WriteHfModelOptions,
  type WrittenHfModel,
  writeHfModel,
} from './hf-export';
export {
  type InternEvoModelType,
  type InternEvoOptions,
  type InternEvoSource,
  readInternEvoCheckpoint,
} from './internevo-checkpoint';
export { INTERNEVO_CONFIG_GLOBALS, type InternEvoModelConfig, readInternEvoModelConfig } from './internevo-config';
export { type InternEvoConfigFile, parseInternEvoConfigText, readInternEvoConfigFile } from './internevo-config-file';
export { internEvoModelConfig, type WriteInternEvoOptions, type WrittenInternEvo, writeInternEvoCheckpoint } from './internevo-export';
export { type InternEvoDtype, partitionUniform } from './internevo-export-layout';
export { EMBED, FINAL_NORM, LM_HEAD, type LlamaParam, layerName, llamaParams, permuteRotaryRows } from './llama-params';
export type { ModelSource, SourceKind, SourceTensor } from './model-source';
// The SentencePiece .model reader, whose home is @tinylm/hf-io (re-exported for existing callers).
export { parseSentencePieceModel, type SentencePiece, type SentencePieceModel } from '@tinylm/hf-io';
export {
  findLatestCheckpoint,
  openTinylmModel,
  readTrainingCheckpoint,
  type SkippedCheckpoint,
  type TinylmPathKind,
  type TrainerStateV1,
  type TrainingCheckpoint,
} from './tinylm-checkpoint';
// The trainer-checkpoint contract, whose home is @tinylm/hf-io (re-exported for existing callers).
export {
  CHECKPOINT_DIR_PATTERN,
  checkpointDirName,
  TRAINER_STATE_FORMAT,
  TRAINER_STATE_VERSION,
  type TrainerState,
  validateTrainerState,
} from '@tinylm/hf-io';
export {
  encodeTorchStateDict,
  TORCH_SAVE_DTYPES,
  type TorchSaveDtype,
  type TorchTensorToSave,
  type WriteTorchStateDictOptions,
  writeTorchStateDict,
} from './torch-save';
export { readTokenizer, type SpecialTokenIds, TOKENIZER_FILE_NAMES, type TokenizerInfo, type TokenizerKind } from './tokenizer-files';
// Deprecated root aliases of `@tinylm/convert2hf/internals` (unpickle, PyDict, crc32, openZip, TorchStorage, ...).
export * from './deprecated-internals';
