// Per-token cross-entropy without gradients, for scoring and evaluation passes (loss-based data
// refining scores every batch; bits per byte sums every token's loss). Uses the fused
// TinylmSparseXent kernel where registered, else composed tfjs ops; ignored targets give 0.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors';
import { SPARSE_XENT } from '../kernels/names';
import { checkDtype } from './check';
import { hasFusedKernel } from './fused';

/** logits (..., V), targets (...) int32 -> per-token loss (...) in nats. */
export function tokenLosses(logits: tf.Tensor, targets: tf.Tensor, ignoreIndex = -100): tf.Tensor {
  checkDtype('tokenLosses', 'logits', logits, ['float32']);
  if (targets.dtype !== 'int32') throw new ArgumentError(`tokenLosses: targets must be int32 token ids, got dtype ${targets.dtype}`);
  const lead = logits.shape.slice(0, -1);
  if (lead.length !== targets.rank || lead.some((d, i) => d !== targets.shape[i])) {
    throw new ArgumentError(
      `tokenLosses: targets shape [${targets.shape.join(', ')}] must equal logits shape without its last axis [${lead.join(', ')}]`,
    );
  }
  const v = logits.shape[logits.rank - 1];
  return tf.tidy(() => {
    const x = tf.reshape(logits, [-1, v]); // (N, V)
    const t = tf.reshape(targets, [-1]); // (N)
    if (hasFusedKernel(SPARSE_XENT)) {
      const [rowLoss] = tf.engine().runKernel(SPARSE_XENT, { logits: x, targets: t }, { ignoreIndex }) as tf.Tensor[];
      return tf.reshape(rowLoss, targets.shape);
    }
    const keep = tf.notEqual(t, ignoreIndex);
    const safeT = tf.where(keep, t, tf.zerosLike(t));
    const picked = tf.gather(tf.reshape(x, [-1]), tf.add(tf.mul(tf.range(0, x.shape[0], 1, 'int32'), v), safeT));
    return tf.reshape(tf.mul(tf.sub(tf.logSumExp(x, -1), picked), tf.cast(keep, 'float32')), targets.shape);
  });
}
