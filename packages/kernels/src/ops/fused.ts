// Whether the active backend has one of tinylm's fused kernels (src/kernels/names.ts). Ops run
// the fused kernel where it is registered and compose tfjs ops elsewhere; the conformance suite
// checks both paths against the same float64 references.
import * as tf from '@tensorflow/tfjs-core';

export function hasFusedKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** Runs a fused kernel with several outputs. */
export function runFused(name: string, inputs: Record<string, tf.Tensor> | tf.Tensor[], attrs: object = {}): tf.Tensor[] {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
}

/** Runs a fused kernel with one output. */
export function runFused1(name: string, inputs: Record<string, tf.Tensor> | tf.Tensor[], attrs: object = {}): tf.Tensor {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}
