// Memory for training and inference of a LLaMA-2 decoder, in bytes.
// Training state follows ZeRO (Rajbhandari et al. 2020, §3.1): weights + gradients in the
// training dtype, plus an fp32 master copy in mixed precision, plus AdamW's m and v in fp32
// (16 bytes per parameter either way).
// Activations follow the method of Korthikanti et al. 2022 ("Reducing Activation Recomputation
// in Large Transformer Models", §4.1): count every tensor kept for the backward pass, per layer,
// with no recomputation and no parallelism. Their GPT figure (34·s·b·h + 5·a·s²·b bytes, with
// LayerNorm, GeLU 4h and dropout masks) is re-derived for the LLaMA-2 block (RMSNorm, SwiGLU,
// GQA, no dropout). Per layer, per token, in elements (B batch, T seq, d hidden, kv = K/V width,
// f FFN, nh heads):
//   attention: norm input d, norm output d (q/k/v matmul input), q and k after RoPE d + kv,
//              softmax probabilities nh·T, v kv, o_proj input d       = 3d + 2kv + nh·T
//   MLP:       norm input d, norm output d, gate pre-activation f, up output f,
//              silu(gate)·up (down_proj input) f                       = 2d + 3f
//   per layer: B·T·(5d + 2kv + 3f) + B·nh·T² elements of the activation dtype
// With flash attention the T² probabilities are recomputed; a per-head fp32 log-sum-exp
// (4·B·nh·T bytes) is kept instead. Outside the layers: final norm input and head input
// (2·B·T·d elements) and fp32 logits (4·B·T·V bytes) for the cross-entropy. RMSNorm's per-row
// statistics (B·T floats) and the token ids are negligible and left out.
// Inference: weights + KV cache, 2 (K and V) · L · B · T · kv elements.

import { kvDim, type LlamaConfig } from './config';
import { InvalidArgumentError } from './errors';
import { countParams } from './param-count';
import type { FloatDtype, FloatDtypeName } from '@tinylm/hf-io/bytes';
import { parseOptions } from '@tinylm/errors';
import { inferenceMemoryOptions, trainingMemoryOptions } from './options';

/** Element types the memory model knows. */
/** A weight / activation dtype under its canonical name (one vocabulary with @tinylm/hf-io). */
export type Dtype = FloatDtype;

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = Object.freeze({ float32: 4, bfloat16: 2, float16: 2 });

/** Bytes per element; throws `InvalidArgumentError` listing the known dtypes. */
export function bytesPerElement(dtype: Dtype): number {
  if (!Object.hasOwn(DTYPE_BYTES, dtype)) {
    throw new InvalidArgumentError({ argument: 'dtype', value: dtype, allowed: Object.keys(DTYPE_BYTES).join(', ') });
  }
  return DTYPE_BYTES[dtype];
}

/** Options of `trainingMemory`. */
export interface TrainingMemoryOptions {
  /** Sequences per step (micro-batch). */
  batch: number;
  seqLen: number;
  /** Weights, gradients and activations dtype (`float32` or `f32`, ...); default float32 (tfjs trains in fp32). */
  dtype?: FloatDtypeName;
  /** Attention kernel that does not keep the T×T probabilities; default false. */
  flashAttention?: boolean;
}

/** Activation bytes kept for the backward pass. */
export interface ActivationMemory {
  readonly perLayer: number;
  /** perLayer · numLayers. */
  readonly layers: number;
  /** Final norm input, head input and fp32 logits. */
  readonly head: number;
  readonly total: number;
}

/** Training memory in bytes. */
export interface TrainingMemory {
  readonly dtype: Dtype;
  readonly batch: number;
  readonly seqLen: number;
  readonly weights: number;
  readonly gradients: number;
  /** fp32 master weights in mixed precision (0 when dtype is float32). */
  readonly masterWeights: number;
  /** AdamW m and v, fp32: 8 bytes per parameter. */
  readonly optimizer: number;
  readonly activations: ActivationMemory;
  readonly total: number;
}

/** Training memory (weights, gradients, AdamW m and v, activations at batch × seqLen). */
export function trainingMemory(config: LlamaConfig, options: TrainingMemoryOptions): TrainingMemory {
  const opts = parseOptions(trainingMemoryOptions, options, 'trainingMemory');
  const { batch: B, seqLen: T } = opts;
  checkPositiveInt('batch', B);
  checkPositiveInt('seqLen', T);
  const dtype = opts.dtype ?? 'float32';
  const b = bytesPerElement(dtype);
  const N = countParams(config).total;
  const { hiddenSize: d, intermediateSize: f, numHeads: nh, vocabSize: V } = config;
  const kv = kvDim(config);

  const dense = b * B * T * (5 * d + 2 * kv + 3 * f); // (B, T, ·) tensors
  const scores = opts.flashAttention ? 4 * B * nh * T : b * B * nh * T * T; // (B, nh, T) LSE or (B, nh, T, T)
  const perLayer = dense + scores;
  const layers = perLayer * config.numLayers;
  const head = b * B * T * 2 * d + 4 * B * T * V; // (B, T, d) ×2 and fp32 (B, T, V)
  const activations = { perLayer, layers, head, total: layers + head };

  const weights = N * b;
  const gradients = N * b;
  const masterWeights = dtype === 'float32' ? 0 : 4 * N;
  const optimizer = 8 * N;
  return {
    dtype,
    batch: B,
    seqLen: T,
    weights,
    gradients,
    masterWeights,
    optimizer,
    activations,
    total: weights + gradients + masterWeights + optimizer + activations.total,
  };
}

/** Options of `inferenceMemory`. */
export interface InferenceMemoryOptions {
  batch: number;
  /** Tokens held in the KV cache per sequence. */
  seqLen: number;
  /** Weights dtype (`float16` or `f16`, ...); default float32. */
  dtype?: FloatDtypeName;
  /** KV cache dtype; default the weights dtype. */
  kvDtype?: FloatDtypeName;
}

/** Inference memory in bytes. */
export interface InferenceMemory {
  readonly dtype: Dtype;
  readonly kvDtype: Dtype;
  readonly batch: number;
  readonly seqLen: number;
  readonly weights: number;
  /** 2 · L · B · T · kv · bytes. */
  readonly kvCache: number;
  readonly total: number;
}

/** Inference memory: weights + KV cache at batch × seqLen (transient activations left out). */
export function inferenceMemory(config: LlamaConfig, options: InferenceMemoryOptions): InferenceMemory {
  const opts = parseOptions(inferenceMemoryOptions, options, 'inferenceMemory');
  const { batch: B, seqLen: T } = opts;
  checkPositiveInt('batch', B);
  checkPositiveInt('seqLen', T);
  const dtype = opts.dtype ?? 'float32';
  const kvDtype = opts.kvDtype ?? dtype;
  const weights = countParams(config).total * bytesPerElement(dtype);
  const kvCache = 2 * config.numLayers * B * T * kvDim(config) * bytesPerElement(kvDtype); // K and V: (L, B, T, kv)
  return { dtype, kvDtype, batch: B, seqLen: T, weights, kvCache, total: weights + kvCache };
}

function checkPositiveInt(argument: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError({ argument, value, allowed: 'a positive integer' });
}
