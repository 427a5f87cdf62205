// The hard-concrete distribution (Louizos, Welling & Kingma 2018, "Learning Sparse Neural
// Networks through L0 Regularization", arXiv 1712.01312), as Sheared-LLaMA (Xia et al. 2023,
// arXiv 2310.06694) and its parent CoFiPruning (Xia et al. 2022) use it for structured masks:
//   u ~ U(0, 1);  s = sigmoid((log u - log(1 - u) + log_alpha) / beta);  z = clamp(s (zeta - gamma) + gamma, 0, 1)
// with beta = 2/3, gamma = -0.1, zeta = 1.1. z is exactly 0 or 1 with positive probability and
// differentiable in log_alpha in between. P(z != 0) = sigmoid(log_alpha - beta log(-gamma / zeta)),
// so the expected number of kept units is a differentiable sum (the L0 "size" of the model).
// Deterministic masks at the end follow CoFiPruning's `_deterministic_z`: sigmoid(log_alpha / beta * 0.8)
// for the kept units (their "magical number" 0.8), 0 for the dropped ones.
import * as tf from '@tensorflow/tfjs-core';

export const HARD_CONCRETE = Object.freeze({ beta: 2 / 3, gamma: -0.1, zeta: 1.1, eps: 1e-6 });

/** One sample z of the masks with these log-alphas (seeded, differentiable in logAlpha). */
export function sampleHardConcrete(logAlpha: tf.Tensor, seed: number): tf.Tensor {
  const { beta, gamma, zeta, eps } = HARD_CONCRETE;
  return tf.tidy(() => {
    const u = tf.randomUniform(logAlpha.shape, eps, 1 - eps, 'float32', seed);
    const s = tf.sigmoid(tf.div(tf.add(tf.sub(tf.log(u), tf.log(tf.sub(1, u))), logAlpha), beta));
    return tf.clipByValue(tf.add(tf.mul(s, zeta - gamma), gamma), 0, 1);
  });
}

/** P(z != 0) for each log-alpha: the expected L0 contribution of each unit. */
export function keepProbability(logAlpha: tf.Tensor): tf.Tensor {
  const { beta, gamma, zeta } = HARD_CONCRETE;
  return tf.sigmoid(tf.sub(logAlpha, beta * Math.log(-gamma / zeta)));
}

/** CoFiPruning's deterministic mask value of a kept unit: sigmoid(log_alpha / beta * 0.8). */
export function deterministicValue(logAlpha: number): number {
  return 1 / (1 + Math.exp(-((logAlpha / HARD_CONCRETE.beta) * 0.8)));
}

/** The log-alpha whose initial drop rate is `droprate` (CoFi / Sheared-LLaMA `droprate_init`). */
export function logAlphaFor(droprate: number): number {
  return Math.log(1 - droprate) - Math.log(droprate);
}
