// Global gradient-norm clipping, as torch.nn.utils.clip_grad_norm_: total = sqrt(sum of all
// squared gradient entries); every gradient is scaled by min(1, maxNorm / (total + 1e-6)).
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors';

export interface ClippedGradients<T extends Record<string, tf.Tensor>> {
  grads: T;
  /** The norm before clipping (a scalar tensor: read it when convenient, it forces a sync). */
  norm: tf.Scalar;
}

/** Returns new, clipped gradients; the inputs are left as they are. maxNorm Infinity: norm only. */
export function clipGradNorm<T extends Record<string, tf.Tensor>>(grads: T, maxNorm: number): ClippedGradients<T> {
  if (!(maxNorm > 0)) throw new ArgumentError(`clipGradNorm: maxNorm must be > 0 (Infinity: no clipping), got ${maxNorm}`);
  return tf.tidy(() => {
    // a chain of adds, not addN: WebGPU binds one buffer per addN input and limits them (often 8)
    const sumSq = Object.values(grads).reduce<tf.Tensor>((acc, g) => tf.add(acc, tf.sum(tf.square(g))), tf.scalar(0));
    const norm = tf.sqrt(sumSq) as tf.Scalar;
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    const out = {} as Record<string, tf.Tensor>;
    for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
    return { grads: out as T, norm };
  });
}
