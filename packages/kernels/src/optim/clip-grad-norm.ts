// Global gradient-norm clipping, as torch.nn.utils.clip_grad_norm_: total = sqrt(sum of all
// squared gradient entries); every gradient is scaled by min(1, maxNorm / (total + 1e-6)).
// globalNorm + clipScale give the factor alone, for AdamW.apply's gradScale (no clipped copies);
// clipGradNorm returns clipped gradients.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors';
import { SUM_SQUARES } from '../kernels/names';
import { hasFusedKernel, runFused1 } from '../ops/fused';

export interface ClippedGradients<T extends Record<string, tf.Tensor>> {
  grads: T;
  /** The norm before clipping (a scalar tensor: read it when convenient, it forces a sync). */
  norm: tf.Scalar;
}

/** sqrt of the sum of every squared entry of every gradient (one fused pass where the backend has it). */
export function globalNorm(grads: Record<string, tf.Tensor>): tf.Scalar {
  const list = Object.values(grads);
  return tf.tidy(() => {
    if (hasFusedKernel(SUM_SQUARES) && list.length > 0) return tf.sqrt(runFused1(SUM_SQUARES, list)) as tf.Scalar;
    // a chain of adds, not addN: WebGPU binds one buffer per addN input and limits them (often 8)
    return tf.sqrt(list.reduce<tf.Tensor>((acc, g) => tf.add(acc, tf.sum(tf.square(g))), tf.scalar(0))) as tf.Scalar;
  });
}

/** min(1, maxNorm / (norm + 1e-6)): the factor clip_grad_norm_ scales every gradient by. */
export function clipScale(norm: tf.Scalar, maxNorm: number): tf.Scalar {
  if (!(maxNorm > 0)) throw new ArgumentError(`clipScale: maxNorm must be > 0 (Infinity: no clipping), got ${maxNorm}`);
  return tf.tidy(() => tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6))) as tf.Scalar);
}

/** Returns new, clipped gradients; the inputs are left as they are. maxNorm Infinity: norm only. */
export function clipGradNorm<T extends Record<string, tf.Tensor>>(grads: T, maxNorm: number): ClippedGradients<T> {
  if (!(maxNorm > 0)) throw new ArgumentError(`clipGradNorm: maxNorm must be > 0 (Infinity: no clipping), got ${maxNorm}`);
  const norm = globalNorm(grads);
  return tf.tidy(() => {
    const scale = clipScale(norm, maxNorm);
    const out = {} as Record<string, tf.Tensor>;
    for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
    return { grads: out as T, norm };
  });
}
