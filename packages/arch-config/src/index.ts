// @tinylm/arch-config: LLaMA-2 model configs for tiny language models (PanGu-π Pro recipe,
// Tang et al. 2024, arXiv 2402.02791): presets, exact counts, architecture search, and
// Hugging Face / InternEvo config files. Pure TypeScript; never imports a tensor library.

export type { LlamaConfig, LlamaConfigInput } from './config';
export { CONFIG_DEFAULTS, CONFIG_INPUT_KEYS, headDim, kvDim, resolveConfig } from './config';
export { SHAPE_LIMITS, validateConfig } from './validate';
export type { MlpRatioFit } from './ffn';
export { ffnFromMlpRatio, INTERNEVO_MULTIPLE_OF, mlpRatioFor } from './ffn';

export {
  ConfigParseError,
  ConfigValueError,
  InternEvoExportError,
  InvalidArgumentError,
  TinyLMError,
  TinylmError,
  UnknownPresetError,
  UnsupportedArchitectureError,
} from './errors';

export type { AttentionParams, LayerParams, MlpParams, ParamCounts } from './param-count';
export { countParams, embeddingShare } from './param-count';
export type { LlamaTensor, LlamaTensorKind, LlamaTensorOptions, LlamaTensorRow } from './llama-tensors';
export {
  EMBED,
  FINAL_NORM,
  LLAMA_LAYER_LEAVES,
  LLAMA_LAYER_TENSORS,
  LLAMA_TENSORS,
  LM_HEAD,
  layerName,
  llamaTensors,
} from './llama-tensors';
export type { FlopsPerToken } from './flops';
export { flopsPerToken } from './flops';
export type {
  ActivationMemory,
  Dtype,
  InferenceMemory,
  InferenceMemoryOptions,
  TrainingMemory,
  TrainingMemoryOptions,
} from './memory';
export { bytesPerElement, DTYPE_BYTES, inferenceMemory, trainingMemory } from './memory';
export type { LatencyEstimate, LatencyModel } from './latency';
export { DEFAULT_LATENCY_MODEL, latencyProxy } from './latency';

export type { Preset } from './presets';
export { getPreset, isPresetName, PRESETS, presetNames } from './presets';

export type { ArchCandidate, SearchOptions, SearchResult } from './search';
export { DEFAULT_MLP_RATIOS, searchArchitectures } from './search';

export type { HfConfigOptions, HfLlamaConfig } from './hf-config';
export { fromHfConfig, HF_KEY_OF, toHfConfig } from './hf-config';
export type { ConfigFormat } from './config-file';
export { configFromPresetOrFile, detectConfigFormat, loadConfigFile, parseConfigJson } from './config-file';
export type { InternEvoConfigOptions } from './internevo-config';
export { toInternEvoConfig } from './internevo-config';
export type { InternEvoEmitOptions, InternEvoTrainingOptions } from './internevo-emit';
export { emitInternEvoConfig } from './internevo-emit';
export type { InternEvoParallel, InternEvoParallelInput } from './internevo-parallel';
export { internEvoParallel } from './internevo-parallel';
export type { InternEvoCkptKind, InternEvoVersionInfo, InternEvoVersionName, RotaryLayout } from './internevo-versions';
export { DEFAULT_INTERNEVO_VERSION, INTERNEVO_VERSIONS, resolveInternEvoVersion } from './internevo-versions';

export type { ArchReport, ArchReportOptions } from './report';
export { archReport, formatArchReport } from './report';
export { formatBytes, formatCount, formatFlops, formatInt, formatPercent } from './format';
