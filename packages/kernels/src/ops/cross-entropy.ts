// Cross-entropy from logits and integer targets, averaged over the targets that are not
// `ignoreIndex` (PyTorch's F.cross_entropy semantics, default ignore_index -100). Runs the fused
// TinylmSparseXent kernels where this package registered them (cpu, wasm, webgpu), so neither a
// one-hot of the vocabulary nor a full log-softmax is materialised; other backends compose tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors';
import { SPARSE_XENT, SPARSE_XENT_GRAD } from '../kernels/names';
import { checkDtype } from './check';
import { customGradOp } from './custom-grad';
import { hasFusedKernel } from './fused';
import { parseOptions } from '@tinylm/errors';
import { crossEntropyOptions } from '../options';

export interface CrossEntropyOptions {
  /** Targets equal to this are skipped (no loss, no gradient). Default -100, as in PyTorch. */
  ignoreIndex?: number;
}

/** logits (..., V) float32, targets (...) int32 -> scalar mean loss over kept targets. */
export function crossEntropy(logits: tf.Tensor, targets: tf.Tensor, options: CrossEntropyOptions = {}): tf.Scalar {
  options = parseOptions(crossEntropyOptions, options, 'crossEntropy');
  const ignoreIndex = options.ignoreIndex ?? -100;
  checkDtype('crossEntropy', 'logits', logits, ['float32']);
  if (targets.dtype !== 'int32') {
    throw new ArgumentError(`crossEntropy: targets must be int32 token ids, got dtype ${targets.dtype}`);
  }
  const lead = logits.shape.slice(0, -1);
  if (lead.length !== targets.rank || lead.some((d, i) => d !== targets.shape[i])) {
    throw new ArgumentError(
      `crossEntropy: targets shape [${targets.shape.join(', ')}] must equal logits shape without its last axis [${lead.join(', ')}]`,
    );
  }
  const v = logits.shape[logits.rank - 1];
  return tf.tidy(() => {
    const x = tf.reshape(logits, [-1, v]); // (N, V)
    const t = tf.reshape(targets, [-1]); // (N)
    const kept = tf.maximum(tf.sum(tf.cast(tf.notEqual(t, ignoreIndex), 'float32')), 1); // scalar
    return (hasFusedKernel(SPARSE_XENT) ? fusedMean(x, t, kept, ignoreIndex) : composedMean(x, t, kept, ignoreIndex)) as tf.Scalar;
  });
}

function fusedMean(x: tf.Tensor, t: tf.Tensor, kept: tf.Tensor, ignoreIndex: number): tf.Tensor {
  // `kept` is an input (not a closure) so the tape keeps it alive until the backward pass.
  const f = customGradOp(([xi, ti, ki], save) => {
    const [rowLoss, lse] = tf.engine().runKernel(SPARSE_XENT, { logits: xi, targets: ti }, { ignoreIndex }) as tf.Tensor[];
    save([xi, ti, lse, ki]);
    return {
      value: tf.div(tf.sum(rowLoss), ki),
      gradFunc: (dy, saved) => {
        const [xs, ts, lses, ks] = saved;
        const n = xs.shape[0];
        const dyRow = tf.broadcastTo(tf.reshape(tf.div(dy, ks), [1]), [n]); // (N)
        const dx = tf.engine().runKernel(SPARSE_XENT_GRAD, { logits: xs, targets: ts, lse: lses, dy: dyRow }, { ignoreIndex }) as tf.Tensor;
        return [dx, tf.zerosLike(ts), tf.zerosLike(ks)];
      },
    };
  });
  return f(x, t, kept);
}

function composedMean(x: tf.Tensor, t: tf.Tensor, kept: tf.Tensor, ignoreIndex: number): tf.Tensor {
  const [n, v] = x.shape;
  const mask = tf.cast(tf.notEqual(t, ignoreIndex), 'float32'); // (N)
  const safeT = tf.where(tf.notEqual(t, ignoreIndex), t, tf.zerosLike(t));
  const flatIdx = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), v), safeT); // (N)
  const picked = tf.gather(tf.reshape(x, [-1]), flatIdx); // (N)
  const rowLoss = tf.mul(tf.sub(tf.logSumExp(x, -1), picked), mask);
  return tf.div(tf.sum(rowLoss), kept);
}
