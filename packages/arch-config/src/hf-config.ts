// Hugging Face `config.json` for LLaMA models: emit (`LlamaForCausalLM`) and parse.
// Follows transformers' LlamaConfig (models/llama/configuration_llama.py): key names, and for
// keys a file leaves out, the defaults transformers itself would use (so a file means here what
// it means there: e.g. a missing rms_norm_eps is 1e-6, not this package's 1e-5).
// Parsing is strict. Accepted: model_type "llama" / LlamaForCausalLM, and model_type "mistral" /
// MistralForCausalLM only when sliding_window is null or absent (then the network is a LLaMA-2
// decoder with GQA). Refused, naming the value: any other model type or architecture, a
// hidden_act other than silu, attention or MLP biases, rope_scaling, a head_dim other than
// hidden_size / num_attention_heads. Unknown extra keys (use_cache, transformers_version, ...)
// are ignored, as transformers does.

import { resolveConfig, type LlamaConfig } from './config';
import { ConfigParseError, ConfigValueError, showValue, UnsupportedArchitectureError } from './errors';
import type { FloatDtype, FloatDtypeName } from '@tinylm/hf-io/bytes';
import { DTYPE_BYTES } from './memory';
import { parseOptions } from '@tinylm/errors';
import { hfConfigOptions } from './options';

/** A Hugging Face LLaMA `config.json` object (the keys this package writes). */
export interface HfLlamaConfig {
  architectures: string[];
  attention_bias: boolean;
  attention_dropout: number;
  bos_token_id?: number;
  eos_token_id?: number | number[];
  head_dim: number;
  hidden_act: 'silu';
  hidden_size: number;
  initializer_range: number;
  intermediate_size: number;
  max_position_embeddings: number;
  mlp_bias: boolean;
  model_type: 'llama';
  num_attention_heads: number;
  num_hidden_layers: number;
  num_key_value_heads: number;
  pad_token_id?: number;
  pretraining_tp: number;
  rms_norm_eps: number;
  rope_scaling: null;
  rope_theta: number;
  tie_word_embeddings: boolean;
  torch_dtype: FloatDtype;
  transformers_version?: string;
  use_cache: boolean;
  vocab_size: number;
}

/** Options of `toHfConfig`. */
export interface HfConfigOptions {
  /** dtype of the weights the folder holds; default float32. */
  torchDtype?: FloatDtypeName;
  /** Written as transformers_version when given. */
  transformersVersion?: string;
}

/** Hugging Face `config.json` for `LlamaForCausalLM`, keys sorted as transformers writes them. */
export function toHfConfig(config: LlamaConfig, options: HfConfigOptions = {}): HfLlamaConfig {
  const opts = parseOptions(hfConfigOptions, options, 'toHfConfig');
  const torchDtype = opts.torchDtype ?? 'float32';
  if (!Object.hasOwn(DTYPE_BYTES, torchDtype)) {
    throw new ConfigValueError({ field: 'torchDtype', value: torchDtype, allowed: Object.keys(DTYPE_BYTES).join(', ') });
  }
  const out: HfLlamaConfig = {
    architectures: ['LlamaForCausalLM'],
    attention_bias: false,
    attention_dropout: 0,
    ...(config.bosTokenId !== undefined ? { bos_token_id: config.bosTokenId } : {}),
    ...(config.eosTokenId !== undefined
      ? { eos_token_id: Array.isArray(config.eosTokenId) ? [...config.eosTokenId] : (config.eosTokenId as number) }
      : {}),
    head_dim: config.hiddenSize / config.numHeads,
    hidden_act: 'silu',
    hidden_size: config.hiddenSize,
    initializer_range: config.initStd,
    intermediate_size: config.intermediateSize,
    max_position_embeddings: config.maxPositionEmbeddings,
    mlp_bias: false,
    model_type: 'llama',
    num_attention_heads: config.numHeads,
    num_hidden_layers: config.numLayers,
    num_key_value_heads: config.numKvHeads,
    ...(config.padTokenId !== undefined ? { pad_token_id: config.padTokenId } : {}),
    pretraining_tp: 1,
    rms_norm_eps: config.rmsNormEps,
    rope_scaling: null,
    rope_theta: config.ropeTheta,
    tie_word_embeddings: config.tieWordEmbeddings,
    torch_dtype: torchDtype,
    ...(opts.transformersVersion ? { transformers_version: opts.transformersVersion } : {}),
    use_cache: true,
    vocab_size: config.vocabSize,
  };
  return out;
}

/** Model types accepted by `fromHfConfig`, with their class names and transformers' defaults. */
const FAMILIES: Record<
  string,
  { architecture: string; defaults: { rmsNormEps: number; maxPositionEmbeddings: number; ropeTheta: number; numKvHeads?: number } }
> = {
  // transformers LlamaConfig defaults
  llama: { architecture: 'LlamaForCausalLM', defaults: { rmsNormEps: 1e-6, maxPositionEmbeddings: 2048, ropeTheta: 10000 } },
  // transformers MistralConfig defaults
  mistral: {
    architecture: 'MistralForCausalLM',
    defaults: { rmsNormEps: 1e-6, maxPositionEmbeddings: 4096 * 32, ropeTheta: 10000, numKvHeads: 8 },
  },
};

const ALLOWED = 'model_type "llama" (LlamaForCausalLM), or "mistral" (MistralForCausalLM) with sliding_window null';

/**
 * Reads a Hugging Face LLaMA-family `config.json` object into a validated `LlamaConfig`.
 * Throws `UnsupportedArchitectureError` for other families (naming model_type / architectures
 * found) and `ConfigValueError` / `ConfigParseError` for values this package cannot model exactly.
 */
export function fromHfConfig(json: unknown, source = 'config.json'): LlamaConfig {
  if (json == null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigParseError(`expected a JSON object, found ${showValue(json)}`, { source });
  }
  const o = json as Record<string, unknown>;
  const modelType = o.model_type;
  const architectures = o.architectures;
  const found = `model_type ${showValue(modelType)}, architectures ${showValue(architectures)}`;
  if (modelType === undefined && architectures === undefined) {
    throw new UnsupportedArchitectureError({ found: 'a config with neither model_type nor architectures', allowed: ALLOWED, source });
  }
  let family: string | undefined;
  if (modelType !== undefined) {
    if (typeof modelType !== 'string' || !Object.hasOwn(FAMILIES, modelType)) {
      throw new UnsupportedArchitectureError({ found, allowed: ALLOWED, source });
    }
    family = modelType;
  }
  if (architectures !== undefined) {
    const archs = Array.isArray(architectures) ? architectures : [architectures];
    const known = Object.entries(FAMILIES).filter(([, f]) => archs.length === 1 && archs[0] === f.architecture);
    if (known.length !== 1 || (family !== undefined && known[0][0] !== family)) {
      throw new UnsupportedArchitectureError({ found, allowed: ALLOWED, source });
    }
    family = known[0][0];
  }
  const fam = FAMILIES[family as string];
  if (family === 'mistral' && o.sliding_window != null) {
    throw new UnsupportedArchitectureError({
      found: `${found} with sliding_window ${showValue(o.sliding_window)}`,
      allowed: `${ALLOWED} (sliding-window attention is not a LLaMA-2 decoder)`,
      source,
    });
  }

  const refuse = (field: string, allowed: string): never => {
    throw new ConfigValueError({ field, value: o[field], allowed, source });
  };
  if (o.hidden_act !== undefined && o.hidden_act !== 'silu') refuse('hidden_act', '"silu" (SwiGLU)');
  if (o.attention_bias !== undefined && o.attention_bias !== false) refuse('attention_bias', 'false (LLaMA-2 has no biases)');
  if (o.mlp_bias !== undefined && o.mlp_bias !== false) refuse('mlp_bias', 'false (LLaMA-2 has no biases)');
  if (o.rope_scaling != null) refuse('rope_scaling', 'null (RoPE scaling is not modelled)');

  const value = (key: string, fallback?: number): number => {
    const v = o[key] ?? fallback;
    if (v === undefined) throw new ConfigParseError(`${key} is missing; a LLaMA config.json must give it`, { source });
    return v as number; // type and range are checked by validateConfig, reported under the HF key
  };
  const optionalId = (key: string) => (o[key] == null ? undefined : (o[key] as number));

  let config: LlamaConfig;
  try {
    config = resolveConfig(
      {
        vocabSize: value('vocab_size'),
        hiddenSize: value('hidden_size'),
        numLayers: value('num_hidden_layers'),
        numHeads: value('num_attention_heads'),
        numKvHeads: value('num_key_value_heads', fam.defaults.numKvHeads ?? (o.num_attention_heads as number)),
        intermediateSize: value('intermediate_size'),
        ropeTheta: value('rope_theta', fam.defaults.ropeTheta),
        rmsNormEps: value('rms_norm_eps', fam.defaults.rmsNormEps),
        maxPositionEmbeddings: value('max_position_embeddings', fam.defaults.maxPositionEmbeddings),
        tieWordEmbeddings: (o.tie_word_embeddings ?? false) as boolean,
        initStd: value('initializer_range', 0.02),
        bosTokenId: optionalId('bos_token_id'),
        eosTokenId: o.eos_token_id == null ? undefined : (o.eos_token_id as number | number[]),
        padTokenId: optionalId('pad_token_id'),
      },
      source,
    );
  } catch (error) {
    throw ConfigValueError.isInstance(error) ? toHfNames(error, source) : error;
  }
  if (o.head_dim != null && o.head_dim !== config.hiddenSize / config.numHeads) {
    refuse('head_dim', `hidden_size / num_attention_heads = ${config.hiddenSize / config.numHeads}, or null`);
  }
  return config;
}

/** config field -> config.json key, so errors name what the user's file says. */
export const HF_KEY_OF: Readonly<Record<string, string>> = Object.freeze({
  vocabSize: 'vocab_size',
  hiddenSize: 'hidden_size',
  numLayers: 'num_hidden_layers',
  numHeads: 'num_attention_heads',
  numKvHeads: 'num_key_value_heads',
  intermediateSize: 'intermediate_size',
  ropeTheta: 'rope_theta',
  rmsNormEps: 'rms_norm_eps',
  maxPositionEmbeddings: 'max_position_embeddings',
  tieWordEmbeddings: 'tie_word_embeddings',
  initStd: 'initializer_range',
  bosTokenId: 'bos_token_id',
  eosTokenId: 'eos_token_id',
  padTokenId: 'pad_token_id',
});

function toHfNames(error: ConfigValueError, source: string): ConfigValueError {
  const rename = (text: string) => text.replace(/\b[a-z]+(?:[A-Z][a-z]*)+\b/g, (name) => HF_KEY_OF[name] ?? name);
  return new ConfigValueError({
    field: rename(error.field),
    value: error.value,
    allowed: rename(error.allowed),
    reason: error.reason === undefined ? undefined : rename(error.reason),
    source,
  });
}
