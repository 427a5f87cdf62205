// Test support: one [2, 3] sample per dtype with values at the edges of each type, and the
// float32 values readTensorAsFloat32 must turn them into.

import type { Dtype, TensorArray } from '../dtype';

/** One sample per dtype, shape [2, 3], with values at the edges of each type. */
export function sampleTensors(): Record<Dtype, TensorArray> {
  return {
    BOOL: new Uint8Array([1, 0, 1, 1, 0, 0]),
    U8: new Uint8Array([0, 1, 127, 128, 254, 255]),
    I8: new Int8Array([-128, -1, 0, 1, 100, 127]),
    I16: new Int16Array([-32768, -1, 0, 1, 12345, 32767]),
    U16: new Uint16Array([0, 1, 255, 256, 40000, 65535]),
    F16: new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00]),
    BF16: new Uint16Array([0x3f80, 0xc040, 0x7f7f, 0x0001, 0x8000, 0xff80]),
    I32: new Int32Array([-2147483648, -1, 0, 1, 123456789, 2147483647]),
    U32: new Uint32Array([0, 1, 65536, 2147483648, 4000000000, 4294967295]),
    F32: new Float32Array([0, -1.5, 3.4028234663852886e38, 1e-45, -Infinity, 0.1]),
    F64: new Float64Array([0, -1.5, Number.MAX_VALUE, 5e-324, Infinity, 0.1]),
    I64: new BigInt64Array([-(2n ** 63n), -1n, 0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n]),
    U64: new BigUint64Array([0n, 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n]),
  };
}

/** The float32 value of each sample, as readTensorAsFloat32 must return it. */
export function sampleFloats(): Record<Dtype, number[]> {
  return {
    BOOL: [1, 0, 1, 1, 0, 0],
    U8: [0, 1, 127, 128, 254, 255],
    I8: [-128, -1, 0, 1, 100, 127],
    I16: [-32768, -1, 0, 1, 12345, 32767],
    U16: [0, 1, 255, 256, 40000, 65535],
    F16: [1, -2, 65504, 2 ** -24, -0, Infinity],
    BF16: [1, -3, Math.fround(3.3895313892515355e38), 2 ** -133, -0, -Infinity],
    I32: [-2147483648, -1, 0, 1, Math.fround(123456789), 2147483648],
    U32: [0, 1, 65536, 2147483648, 4000000000, 4294967296],
    F32: [0, -1.5, 3.4028234663852886e38, Math.fround(1e-45), -Infinity, Math.fround(0.1)],
    F64: [0, -1.5, Infinity, 0, Infinity, Math.fround(0.1)],
    I64: [-(2 ** 63), -1, 0, 1, 2 ** 53, 2 ** 63],
    U64: [0, 1, 2 ** 32, 2 ** 53, 2 ** 63, 2 ** 64],
  };
}
