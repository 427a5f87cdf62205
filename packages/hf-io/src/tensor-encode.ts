// Encoding typed arrays into the little-endian element bytes of a safetensors dtype.
// Byte layout per the safetensors format (row-major, little-endian); F16/BF16 rounding follows
// ./float16.ts and ./bfloat16.ts.

import { float32ArrayToBf16 } from './bfloat16';
import { PLATFORM_IS_LITTLE_ENDIAN, swapBytesInPlace } from './byte-order';
import { type Dtype, dtypeByteSize } from './dtype';
import { SafetensorsWriteError } from './errors';
import { float32ArrayToF16 } from './float16';
import type { TensorInfo } from './header-parse';
import type { TensorData, TensorSource } from './tensor-source';
import { showValue } from '@tinylm/errors';

/** The typed-array constructor names accepted for each dtype (besides raw `Uint8Array` bytes). */
const ACCEPTED: Readonly<Record<Dtype, readonly string[]>> = {
  BOOL: [],
  U8: [],
  I8: ['Int8Array'],
  I16: ['Int16Array'],
  U16: ['Uint16Array'],
  F16: ['Float32Array', 'Uint16Array'],
  BF16: ['Float32Array', 'Uint16Array'],
  I32: ['Int32Array'],
  U32: ['Uint32Array'],
  F32: ['Float32Array'],
  F64: ['Float64Array', 'Float32Array'],
  I64: ['BigInt64Array'],
  U64: ['BigUint64Array'],
};

// The typed array's tag (`Float32Array`, ...) rather than `instanceof`, so arrays from another
// realm (a worker, a vm context) are recognised too.
function kindOf(data: unknown): string {
  if (ArrayBuffer.isView(data)) return Object.prototype.toString.call(data).slice(8, -1);
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'a plain Array';
  return typeof data === 'object' ? (data.constructor?.name ?? 'object') : typeof data;
}

function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * The little-endian bytes of `data` stored as `dtype` (see `TensorData` for what is accepted).
 * Shares memory with `data` when no conversion is needed. Throws `SafetensorsWriteError` naming
 * `location.tensor` and `location.file` when the array type does not fit the dtype.
 */
export function encodeTensor(data: TensorData, dtype: Dtype, location: { file?: string; tensor?: string } = {}): Uint8Array {
  const kind = kindOf(data);
  let bytes: Uint8Array;
  if (kind === 'Uint8Array') {
    return data as Uint8Array; // raw bytes, already in file order
  } else if (kind === 'Float32Array' && (dtype === 'F16' || dtype === 'BF16')) {
    const bits = dtype === 'F16' ? float32ArrayToF16(data as Float32Array) : float32ArrayToBf16(data as Float32Array);
    bytes = bytesOf(bits);
    if (!PLATFORM_IS_LITTLE_ENDIAN) swapBytesInPlace(bytes, 2);
    return bytes;
  } else if (kind === 'Float32Array' && dtype === 'F64') {
    bytes = bytesOf(Float64Array.from(data as Float32Array));
    if (!PLATFORM_IS_LITTLE_ENDIAN) swapBytesInPlace(bytes, 8);
    return bytes;
  } else if (ACCEPTED[dtype].includes(kind)) {
    bytes = bytesOf(data);
    if (!PLATFORM_IS_LITTLE_ENDIAN) {
      bytes = bytes.slice();
      swapBytesInPlace(bytes, dtypeByteSize(dtype));
    }
    return bytes;
  }
  const where = `${location.file ? `${location.file}: ` : ''}tensor ${showValue(location.tensor ?? '?')}`;
  const allowed = ['Uint8Array (raw little-endian bytes)', ...ACCEPTED[dtype]].join(', ');
  throw new SafetensorsWriteError({
    message: `${where}: cannot write ${kind} data as ${dtype}; allowed for ${dtype}: ${allowed}`,
    file: location.file,
    tensor: location.tensor,
  });
}

/**
 * Calls the source's producer (if it has one), encodes the data as the tensor's dtype and checks
 * that it fills exactly the tensor's slot in the layout. Throws `SafetensorsWriteError` naming
 * the tensor and file otherwise.
 */
export async function resolveTensorBytes(source: TensorSource, info: TensorInfo, file: string): Promise<Uint8Array> {
  const data = typeof source.data === 'function' ? await source.data() : source.data;
  const bytes = encodeTensor(data, info.dtype, { file, tensor: info.name });
  if (bytes.length !== info.byteLength) {
    const kind = kindOf(data);
    const size = dtypeByteSize(info.dtype);
    const got =
      kind === 'Uint8Array' ? `${bytes.length} bytes (raw Uint8Array)` : `${(data as ArrayLike<unknown>).length} elements (${kind})`;
    const needed = kind === 'Uint8Array' ? `${info.byteLength} bytes` : `${info.byteLength / size} elements`;
    throw new SafetensorsWriteError({
      message: `${file}: tensor ${showValue(info.name)}: data has ${got} but ${info.dtype} ${showValue(info.shape)} needs ${needed}`,
      file,
      tensor: info.name,
    });
  }
  return bytes;
}
