// A typed wrapper over tf.customGrad for ops with several tensor inputs and a hand-written
// gradient (tfjs types the callback's arguments as a union of tensors and the save function).
import * as tf from '@tensorflow/tfjs-core';

export interface CustomGradResult {
  value: tf.Tensor;
  /** Gradients for every input, in order (zeros for integer inputs). */
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
}

export function customGradOp(fn: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => CustomGradResult): (...inputs: tf.Tensor[]) => tf.Tensor {
  const wrapped = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const { value, gradFunc } = fn(args as tf.Tensor[], save);
    return { value, gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => gradFunc(dy as tf.Tensor, saved) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (...inputs) => wrapped(...inputs) as tf.Tensor;
}
