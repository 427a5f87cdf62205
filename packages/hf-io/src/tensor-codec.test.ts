// Typed arrays <-> little-endian safetensors element bytes.

import { describe, expect, it } from 'vitest';
import { SafetensorsWriteError } from './errors';
import { decodeTensor, decodeTensorAsFloat32 } from './tensor-decode';
import { encodeTensor } from './tensor-encode';
import { caught } from './__fixtures__/raw-safetensors';

describe('encodeTensor / decodeTensor', () => {
  it('encodes little-endian and shares memory when no conversion is needed', () => {
    const x = new Int32Array([1, -2]);
    const bytes = encodeTensor(x, 'I32');
    expect([...bytes]).toEqual([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
    expect(bytes.buffer).toBe(x.buffer);
  });

  it('takes a Uint8Array as raw bytes for any dtype', () => {
    const raw = new Uint8Array([0, 0, 0x80, 0x3f]);
    expect(encodeTensor(raw, 'F32')).toBe(raw);
  });

  it('converts Float32Array to F16, BF16 and F64, and Uint16Array as F16/BF16 bits', () => {
    const x = new Float32Array([1, -2]);
    expect([...encodeTensor(x, 'F16')]).toEqual([0x00, 0x3c, 0x00, 0xc0]);
    expect([...encodeTensor(x, 'BF16')]).toEqual([0x80, 0x3f, 0x00, 0xc0]);
    expect(decodeTensor(encodeTensor(x, 'F64'), 'F64')).toEqual(new Float64Array([1, -2]));
    expect([...encodeTensor(new Uint16Array([0x3c00]), 'F16')]).toEqual([0x00, 0x3c]);
  });

  it('rejects mismatched arrays and non-arrays, naming the tensor', async () => {
    const error = await caught(() => encodeTensor(new Float64Array(1), 'F32', { file: 'f', tensor: 'w' }));
    expect(SafetensorsWriteError.isInstance(error)).toBe(true);
    expect(error.message).toBe(
      'f: tensor "w": cannot write Float64Array data as F32; allowed for F32: Uint8Array (raw little-endian bytes), Float32Array',
    );
    const plain = await caught(() => encodeTensor([1, 2] as unknown as Float32Array, 'F32', { tensor: 'w' }));
    expect(plain.message).toMatch(/cannot write a plain Array data as F32/);
    const big = await caught(() => encodeTensor(new BigUint64Array(1), 'I64', { tensor: 'ids' }));
    expect(big.message).toMatch(
      /tensor "ids": cannot write BigUint64Array data as I64; allowed for I64: Uint8Array \(raw little-endian bytes\), BigInt64Array/,
    );
  });

  it('decodes unaligned bytes by copying, aligned bytes by viewing', () => {
    const buffer = new Uint8Array(9);
    buffer.set([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0], 1);
    const unaligned = decodeTensor(buffer.subarray(1), 'F32');
    expect(unaligned).toEqual(new Float32Array([1, -2]));
    expect(unaligned.buffer).not.toBe(buffer.buffer);
    const aligned = decodeTensor(buffer.slice(1), 'F32');
    expect(aligned).toEqual(new Float32Array([1, -2]));
    expect(() => decodeTensor(new Uint8Array(3), 'F16')).toThrow(/3 bytes is not a whole number of F16 elements/);
  });

  it('decodes BF16 and F16 to float32 exactly', () => {
    expect([...decodeTensorAsFloat32(new Uint8Array([0x80, 0x3f, 0x00, 0xc0]), 'BF16')]).toEqual([1, -2]);
    expect([...decodeTensorAsFloat32(new Uint8Array([0x01, 0x00, 0xff, 0x7b]), 'F16')]).toEqual([2 ** -24, 65504]);
  });
});
