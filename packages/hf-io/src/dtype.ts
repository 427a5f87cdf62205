// The safetensors element types this package reads and writes, with their byte sizes and the
// typed array each one decodes to.
// Follows the `Dtype` enum of the safetensors reference (huggingface/safetensors,
// safetensors/src/tensor.rs); the FP8 and sub-byte types are not supported.

/** A safetensors dtype name, as written in a file header. */
export type Dtype = 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

const BYTE_SIZES: Readonly<Record<Dtype, number>> = Object.freeze({
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
});

/** Every supported dtype, in the reference's order. */
export const DTYPES: readonly Dtype[] = Object.freeze(Object.keys(BYTE_SIZES) as Dtype[]);

/** True when `value` is a supported dtype name. */
export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.hasOwn(BYTE_SIZES, value);
}

/** Bytes per element of `dtype`. */
export function dtypeByteSize(dtype: Dtype): number {
  return BYTE_SIZES[dtype];
}

/**
 * The typed array each dtype decodes to. F16 and BF16 decode to their raw bit patterns
 * (`Uint16Array`); use `readTensorAsFloat32` or `f16ArrayToFloat32` / `bf16ArrayToFloat32` to
 * get numbers. BOOL decodes to bytes that are 0 or 1.
 */
export interface DtypeArrayMap {
  BOOL: Uint8Array;
  U8: Uint8Array;
  I8: Int8Array;
  I16: Int16Array;
  U16: Uint16Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I32: Int32Array;
  U32: Uint32Array;
  F32: Float32Array;
  F64: Float64Array;
  I64: BigInt64Array;
  U64: BigUint64Array;
}

/** Any typed array a tensor can decode to, or be written from. */
export type TensorArray = DtypeArrayMap[Dtype];

/** The number of elements of a tensor with this shape (1 for a scalar `[]`). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
