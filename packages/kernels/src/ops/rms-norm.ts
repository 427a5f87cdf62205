// RMSNorm (Zhang & Sennrich 2019; LLaMA): y = x / sqrt(mean(x^2) + eps) * w, over the last axis,
// with a hand-written gradient so that backward reuses r = 1/rms instead of differentiating
// through five ops:
//   dw = sum_rows(dy * xhat),  dx = r * (dy*w - xhat * mean(dy*w*xhat)),  xhat = x * r.
// Where the backend has TinylmRmsNorm (blas), both directions are one fused kernel each.
import * as tf from '@tensorflow/tfjs-core';
import { RMS_NORM, RMS_NORM_GRAD } from '../kernels/names';
import { checkDim, checkDtype, checkFinite } from './check';
import { customGradOp } from './custom-grad';
import { hasFusedKernel, runFused } from './fused';

/** x (..., C), weight (C) -> (..., C). */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps = 1e-5): tf.Tensor {
  checkDtype('rmsNorm', 'x', x, ['float32']);
  checkDim('rmsNorm', 'weight', weight, 0, x.shape[x.rank - 1], 'the last axis of x');
  checkFinite('rmsNorm', 'eps', eps);
  if (hasFusedKernel(RMS_NORM)) return fusedRmsNorm(x, weight, eps);
  const f = customGradOp(([xx, w], save) => {
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(xx), -1, true), eps)); // (..., 1)
    save([xx, w, r]);
    return {
      value: tf.mul(tf.mul(xx, r), w),
      gradFunc: (dy, saved) => {
        const [xs, ws, rs] = saved;
        const xhat = tf.mul(xs, rs); // (..., C)
        const dxhat = tf.mul(dy, ws); // (..., C)
        const dot = tf.mean(tf.mul(dxhat, xhat), -1, true); // (..., 1)
        const dx = tf.mul(rs, tf.sub(dxhat, tf.mul(xhat, dot)));
        const rows = tf.reshape(tf.mul(dy, xhat), [-1, ws.shape[0]]);
        return [dx, tf.sum(rows, 0)];
      },
    };
  });
  return f(x, weight);
}

function fusedRmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  const c = weight.shape[0];
  const f = customGradOp(([xx, w], save) => {
    const x2 = tf.reshape(xx, [-1, c]); // (N, C)
    const [y, rstd] = runFused(RMS_NORM, { x: x2, weight: w }, { eps }); // (N, C), (N)
    save([x2, w, rstd]);
    return {
      value: tf.reshape(y, xx.shape),
      gradFunc: (dy, [xs, ws, rs]) => {
        const [dx, dw] = runFused(RMS_NORM_GRAD, { x: xs, weight: ws, rstd: rs, dy: tf.reshape(dy, xs.shape) });
        return [tf.reshape(dx, dy.shape), dw];
      },
    };
  });
  return f(x, weight);
}
