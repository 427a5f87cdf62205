// What a safetensors writer takes: a tensor's name, dtype, shape, and its data or a function
// that produces the data when the writer reaches it, so that a model is never held in memory
// twice (once as live tensors, once as file bytes).

import type { Dtype, TensorArray } from './dtype';

/**
 * Tensor data handed to a writer. A `Uint8Array` is always taken as the raw little-endian
 * bytes of the target dtype. Typed arrays must match the dtype (`Float32Array` for F32,
 * `BigInt64Array` for I64, ...), with three conversions: a `Float32Array` may be written as
 * F16, BF16 (rounded to nearest even) or F64; a `Uint16Array` may hold F16/BF16 bit patterns.
 */
export type TensorData = TensorArray;

/** Produces a tensor's data on demand; called once, when the writer reaches that tensor. */
export type TensorDataProducer = () => TensorData | Promise<TensorData>;

/** One tensor for a safetensors writer. */
export interface TensorSource {
  /** The tensor's name in the file header, e.g. `model.layers.0.mlp.up_proj.weight`. */
  name: string;
  /** The dtype stored in the file. */
  dtype: Dtype;
  /** The shape, outermost dimension first (row-major). `[]` is a scalar. */
  shape: readonly number[];
  /** The data, or a function producing it. */
  data: TensorData | TensorDataProducer;
}
