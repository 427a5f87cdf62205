// Names of the kernels tinylm registers with tfjs (custom ops, dispatched with engine().runKernel).

/** Forward: inputs {logits (N, V) f32, targets (N) i32}, attr ignoreIndex -> [loss (N), lse (N)]. */
export const SPARSE_XENT = 'TinylmSparseXent';
/** Backward: inputs {logits, targets, lse, dy (N)}, attr ignoreIndex -> dlogits (N, V). */
export const SPARSE_XENT_GRAD = 'TinylmSparseXentGrad';

export interface SparseXentAttrs {
  ignoreIndex: number;
}

/** Forward: {x (N, C), weight (C)}, attr eps -> [y (N, C), rstd (N)] (rstd = 1 / rms of each row). */
export const RMS_NORM = 'TinylmRmsNorm';
/** Backward: {x, weight, rstd, dy (N, C)} -> [dx (N, C), dweight (C)]. */
export const RMS_NORM_GRAD = 'TinylmRmsNormGrad';
/** {x (B, H, T, D) or (B, T, H, D), cos (T, D), sin (T, D)}, attrs inverse (the gradient: rotate back), layout -> x's shape. */
export const ROTARY = 'TinylmRotary';
/** Forward: {q (B, H, T, D), k, v (B, KV, S, D)} (or (B, T, H, D) with layout bthd), attrs offset, layout -> [out (q's layout), lse (B, H, T)]. */
export const ATTENTION = 'TinylmAttention';
/** Backward: {q, k, v, out, lse, dy (B, H, T, D)}, attr offset -> [dq, dk, dv]. */
export const ATTENTION_GRAD = 'TinylmAttentionGrad';
/** Forward: {gate, up} of one shape -> silu(gate) * up. */
export const SWIGLU = 'TinylmSwiglu';
/** Backward: {gate, up, dy} -> [dgate, dup]. */
export const SWIGLU_GRAD = 'TinylmSwigluGrad';
/** A list of tensors -> the float32 scalar sum of all their squared entries (summed in float64). */
export const SUM_SQUARES = 'TinylmSumSquares';
/** {param, grad, m, v, gradScale (scalar)}, AdamWStepAttrs -> [param, m, v] after one AdamW step. */
export const ADAMW_STEP = 'TinylmAdamW';

export interface RmsNormAttrs {
  eps: number;
}
/** Where heads sit: (batch, heads, seq, headDim) or (batch, seq, heads, headDim), the projections' own layout. */
export type HeadLayout = 'bhtd' | 'bthd';
export interface RotaryAttrs {
  inverse: boolean;
  layout: HeadLayout;
}
export interface AttentionAttrs {
  offset: number;
  layout: HeadLayout;
}
export interface AdamWStepAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** lr * weightDecay, or 0 for parameters without decay. */
  decay: number;
  /** 1 - beta1^t and 1 - beta2^t. */
  bc1: number;
  bc2: number;
}
