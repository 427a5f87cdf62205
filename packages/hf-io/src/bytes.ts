// `@tinylm/hf-io/bytes`: the browser-safe part of the package. Nothing reachable from here
// imports a Node module, so a web app can build a safetensors file in memory (for a download)
// or parse one from an ArrayBuffer. Same names as in the main entry.

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
  type ErrorDetails,
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
export { indexForPlan, parseSafetensorsIndex, type SafetensorsIndex, serializeSafetensorsIndex } from './hf-index';
export { type JsonValue, type StringifyJsonOptions, stringifyJson } from './json';
export {
  parseSafetensors,
  SafetensorsBuffer,
  serializeSafetensors,
  type SerializeSafetensorsOptions,
} from './safetensors-bytes';
export { type PlannedShard, planShards, type ShardPlan, shardFileName } from './shard-plan';
export { DEFAULT_MAX_SHARD_SIZE, parseShardSize } from './shard-size';
export { decodeTensor, decodeTensorAsFloat32 } from './tensor-decode';
export { encodeTensor } from './tensor-encode';
export { type ReadTensorOptions, type TensorByteRange, tensorByteRange } from './tensor-range';
export type { TensorData, TensorDataProducer, TensorSource } from './tensor-source';
export { ByteBuffer } from './byte-buffer';
export {
  boolOf,
  floatOf,
  int32Of,
  ProtobufDecodeError,
  ProtoWriter,
  type RawField,
  readFields,
  stringOf,
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_VARINT,
} from './protobuf';
export {
  bytePieceName,
  type NormalizerSpec as SentencePieceNormalizerSpec,
  parseSentencePieceModel,
  PieceType,
  type PieceTypeValue,
  rewriteSentencePieceModel,
  type SentencePiece,
  type SentencePieceModel,
  type SentencePieceModelType,
  type SentencePieceRewrite,
  type TrainerSpec as SentencePieceTrainerSpec,
} from './sentencepiece-model';
export { hasByteLevelStep, sentencePieceKind, type TokenizerKind, tokenizerJsonKind } from './tokenizer-kind';
export {
  CHECKPOINT_DIR_PATTERN,
  CHECKPOINT_LEFTOVER_PATTERN,
  checkpointDirName,
  checkpointStepOf,
  TRAINER_STATE_FILE,
  TRAINER_STATE_FORMAT,
  TRAINER_STATE_VERSION,
  type TrainerState,
  validateTrainerState,
} from './trainer-checkpoint';
