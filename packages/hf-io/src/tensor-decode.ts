// Decoding little-endian safetensors element bytes into typed arrays and into float32.
// Byte layout per the safetensors format (row-major "C" order, little-endian); F16/BF16 follow
// ./float16.ts and ./bfloat16.ts.

import { bf16ArrayToFloat32 } from './bfloat16';
import { PLATFORM_IS_LITTLE_ENDIAN, swapBytesInPlace } from './byte-order';
import { type Dtype, type DtypeArrayMap, dtypeByteSize, type TensorArray } from './dtype';
import { f16ArrayToFloat32 } from './float16';

function view(dtype: Dtype, buffer: ArrayBufferLike, offset: number, n: number): TensorArray {
  switch (dtype) {
    case 'BOOL':
    case 'U8':
      return new Uint8Array(buffer, offset, n);
    case 'I8':
      return new Int8Array(buffer, offset, n);
    case 'I16':
      return new Int16Array(buffer, offset, n);
    case 'U16':
    case 'F16':
    case 'BF16':
      return new Uint16Array(buffer, offset, n);
    case 'I32':
      return new Int32Array(buffer, offset, n);
    case 'U32':
      return new Uint32Array(buffer, offset, n);
    case 'F32':
      return new Float32Array(buffer, offset, n);
    case 'F64':
      return new Float64Array(buffer, offset, n);
    case 'I64':
      return new BigInt64Array(buffer, offset, n);
    case 'U64':
      return new BigUint64Array(buffer, offset, n);
  }
}

/**
 * Views little-endian element bytes as the typed array of `dtype` (see `DtypeArrayMap`).
 * The result shares memory with `bytes` when `bytes` is aligned to the element size (and the
 * platform is little-endian); otherwise it is a copy. `bytes.length` must be a multiple of the
 * element size.
 */
export function decodeTensor<D extends Dtype>(bytes: Uint8Array, dtype: D): DtypeArrayMap[D] {
  const size = dtypeByteSize(dtype);
  const n = bytes.length / size;
  if (!Number.isInteger(n)) {
    throw new RangeError(`${bytes.length} bytes is not a whole number of ${dtype} elements (${size} bytes each)`);
  }
  let source = bytes;
  if (bytes.byteOffset % size !== 0 || !PLATFORM_IS_LITTLE_ENDIAN) {
    source = bytes.slice();
    if (!PLATFORM_IS_LITTLE_ENDIAN) swapBytesInPlace(source, size);
  }
  return view(dtype, source.buffer, source.byteOffset, n) as DtypeArrayMap[D];
}

/**
 * Decodes little-endian element bytes of `dtype` to float32 values: F32 as is, F16 and BF16
 * exactly, F64 rounded to nearest, integers converted (64-bit ones through `Number`, so values
 * beyond 2^24 lose precision as float32 does), BOOL as 0/1. For F32 the result may share memory
 * with `bytes`, as with `decodeTensor`; for every other dtype it is a new array.
 */
export function decodeTensorAsFloat32(bytes: Uint8Array, dtype: Dtype): Float32Array {
  const values = decodeTensor(bytes, dtype);
  switch (dtype) {
    case 'F32':
      return values as Float32Array;
    case 'F16':
      return f16ArrayToFloat32(values as Uint16Array);
    case 'BF16':
      return bf16ArrayToFloat32(values as Uint16Array);
    case 'I64':
    case 'U64': {
      const big = values as BigInt64Array | BigUint64Array;
      const out = new Float32Array(big.length);
      for (let i = 0; i < big.length; i++) out[i] = Number(big[i]);
      return out;
    }
    default:
      return Float32Array.from(values as Exclude<TensorArray, BigInt64Array | BigUint64Array>);
  }
}
