// SwiGLU feed-forward (Shazeer 2020; LLaMA): down( silu(gate(x)) * up(x) ), weights in Hugging
// Face's (out, in) layout. The activation has a hand-written gradient:
//   d/dg [silu(g) u] = u * s * (1 + g (1 - s)),  d/du = silu(g),  s = sigmoid(g).
import * as tf from '@tensorflow/tfjs-core';
import { checkDim, checkRank, checkSameShape } from './check';
import { customGradOp } from './custom-grad';
import { hasFusedKernel, runFused, runFused1 } from './fused';
import { SWIGLU, SWIGLU_GRAD } from '../kernels/names';

/** silu(gate) * up, elementwise; gate and up of one shape. */
export function swiglu(gate: tf.Tensor, up: tf.Tensor): tf.Tensor {
  checkSameShape('swiglu', 'gate', gate, 'up', up);
  if (hasFusedKernel(SWIGLU)) {
    const fused = customGradOp(([g, u], save) => {
      save([g, u]);
      return {
        value: runFused1(SWIGLU, { gate: g, up: u }),
        gradFunc: (dy, [gs, us]) => runFused(SWIGLU_GRAD, { gate: gs, up: us, dy }),
      };
    });
    return fused(gate, up);
  }
  const f = customGradOp(([g, u], save) => {
    const s = tf.sigmoid(g);
    save([g, u, s]);
    return {
      value: tf.mul(tf.mul(g, s), u),
      gradFunc: (dy, saved) => {
        const [gs, us, ss] = saved;
        const silu = tf.mul(gs, ss);
        const dsilu = tf.mul(ss, tf.add(1, tf.mul(gs, tf.sub(1, ss))));
        return [tf.mul(tf.mul(dy, us), dsilu), tf.mul(dy, silu)];
      },
    };
  });
  return f(gate, up);
}

/** x (..., C); wGate, wUp (F, C); wDown (C, F) -> (..., C). */
export function swigluMlp(x: tf.Tensor, wGate: tf.Tensor, wUp: tf.Tensor, wDown: tf.Tensor): tf.Tensor {
  const c = x.shape[x.rank - 1];
  checkRank('swigluMlp', 'wGate', wGate, 2, '(ffn, hidden)');
  checkDim('swigluMlp', 'wGate', wGate, 1, c, 'the hidden size of x');
  checkSameShape('swigluMlp', 'wGate', wGate, 'wUp', wUp);
  checkRank('swigluMlp', 'wDown', wDown, 2, '(hidden, ffn)');
  checkDim('swigluMlp', 'wDown', wDown, 0, c, 'the hidden size of x');
  checkDim('swigluMlp', 'wDown', wDown, 1, wGate.shape[0], 'the FFN size of wGate');
  const x2 = tf.reshape(x, [-1, c]); // (N, C)
  const h = swiglu(tf.matMul(x2, wGate, false, true), tf.matMul(x2, wUp, false, true)); // (N, F)
  return tf.reshape(tf.matMul(h, wDown, false, true), x.shape); // (..., C)
}
