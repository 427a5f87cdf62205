// Whole safetensors files in memory (the browser path): every dtype, row ranges, input checks.

import { describe, expect, it } from 'vitest';
import { DTYPES } from './dtype';
import { InvalidArgumentError, SafetensorsWriteError, TensorNotFoundError } from './errors';
import { parseSafetensors, serializeSafetensors } from './safetensors-bytes';
import type { TensorSource } from './tensor-source';
import { caught } from './__fixtures__/raw-safetensors';
import { sampleFloats, sampleTensors } from './__fixtures__/samples';

const samples = sampleTensors();
const allSources = (): TensorSource[] => DTYPES.map((dtype) => ({ name: `t.${dtype}`, dtype, shape: [2, 3], data: samples[dtype] }));

describe('in-memory round trip, every dtype', () => {
  it('reads back each tensor bit for bit, as its typed array', async () => {
    const file = parseSafetensors(await serializeSafetensors(allSources()));
    expect(file.metadata).toEqual({ format: 'pt' });
    for (const dtype of DTYPES) {
      const info = file.info(`t.${dtype}`);
      expect(info.dtype).toBe(dtype);
      expect(info.shape).toEqual([2, 3]);
      const back = file.readTensor(`t.${dtype}`);
      expect(back.constructor).toBe(samples[dtype].constructor);
      expect(back).toEqual(samples[dtype]);
    }
  });

  it('converts each dtype to float32', async () => {
    const file = parseSafetensors((await serializeSafetensors(allSources())).buffer as ArrayBuffer);
    const floats = sampleFloats();
    for (const dtype of DTYPES) {
      expect([...file.readTensorAsFloat32(`t.${dtype}`)], dtype).toEqual(floats[dtype]);
    }
  });

  it('writes Float32Array data as F16 and BF16 with rounding, and as F64 exactly', async () => {
    const x = new Float32Array([1 + 2 ** -11, 1 + 3 * 2 ** -8, 0.1, -65520]);
    const file = parseSafetensors(
      await serializeSafetensors([
        { name: 'h', dtype: 'F16', shape: [4], data: x },
        { name: 'b', dtype: 'BF16', shape: [4], data: x },
        { name: 'd', dtype: 'F64', shape: [4], data: x },
      ]),
    );
    expect([...(file.readTensor('h') as Uint16Array)]).toEqual([0x3c00, 0x3c0c, 0x2e66, 0xfc00]);
    expect([...(file.readTensor('b') as Uint16Array)]).toEqual([0x3f80, 0x3f82, 0x3dcd, 0xc780]);
    expect([...file.readTensorAsFloat32('d')]).toEqual([...x]);
  });

  it('reads row ranges of the first dimension', async () => {
    const w = new Float32Array(5 * 4).map((_, i) => i);
    const ids = new BigInt64Array([10n, 11n, 12n, 13n, 14n, 15n]);
    const file = parseSafetensors(
      await serializeSafetensors([
        { name: 'w', dtype: 'F32', shape: [5, 4], data: w },
        { name: 'ids', dtype: 'I64', shape: [3, 2], data: ids },
        { name: 'v', dtype: 'BF16', shape: [5], data: new Float32Array([1, 2, 3, 4, 5]) },
      ]),
    );
    expect([...file.readTensorAsFloat32('w', { rows: [1, 3] })]).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(file.readTensor('ids', { rows: [2, 3] })).toEqual(new BigInt64Array([14n, 15n]));
    expect([...file.readTensorAsFloat32('v', { rows: [4, 5] })]).toEqual([5]);
    expect(file.readTensor('w', { rows: [2, 2] })).toEqual(new Float32Array(0));
    const error = await caught(() => file.readTensor('w', { rows: [3, 6] }));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error.message).toBe('<buffer>: tensor "w": rows [3, 6] out of range; allowed: integers 0 <= start <= end <= 5');
  });

  it('parses tensors that are not aligned in the buffer (copies them)', async () => {
    const bytes = await serializeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: new Float32Array([1.5, -2]) }]);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const file = parseSafetensors(shifted.subarray(1), { file: 'shifted' });
    expect(file.readTensor('w')).toEqual(new Float32Array([1.5, -2]));
  });

  it('names the tensor when a name is missing, and lists what exists', async () => {
    const file = parseSafetensors(await serializeSafetensors(allSources()), { file: 'a.safetensors' });
    const error = await caught(() => file.readTensor('nope'));
    expect(TensorNotFoundError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/^a\.safetensors: no tensor "nope"; it holds "t\.F64", "t\.I64", .*\(13 in all\)$/);
  });
});

describe('serializeSafetensors input checks', () => {
  it('rejects data of the wrong length, naming the tensor and the sizes', async () => {
    const error = await caught(() => serializeSafetensors([{ name: 'w', dtype: 'F16', shape: [2, 3], data: new Float32Array(5) }]));
    expect(SafetensorsWriteError.isInstance(error)).toBe(true);
    expect(error.message).toBe('<buffer>: tensor "w": data has 5 elements (Float32Array) but F16 [2,3] needs 6 elements');
    const raw = await caught(() => serializeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: new Uint8Array(7) }]));
    expect(raw.message).toBe('<buffer>: tensor "w": data has 7 bytes (raw Uint8Array) but F32 [2] needs 8 bytes');
  });

  it('rejects an array type that does not fit the dtype, listing the allowed ones', async () => {
    const error = await caught(() =>
      serializeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: new Int32Array(2) }], {
        file: 'x.safetensors',
      }),
    );
    expect(error.message).toBe(
      'x.safetensors: tensor "w": cannot write Int32Array data as F32; allowed for F32: Uint8Array (raw little-endian bytes), Float32Array',
    );
  });

  it('calls async producers one at a time, in file order', async () => {
    const calls: string[] = [];
    let active = 0;
    const producer = (name: string, value: number) => async () => {
      active += 1;
      expect(active).toBe(1);
      calls.push(name);
      await new Promise((r) => setTimeout(r, 1));
      active -= 1;
      return new Float32Array([value]);
    };
    const out = await serializeSafetensors([
      { name: 'b', dtype: 'F32', shape: [1], data: producer('b', 2) },
      { name: 'a', dtype: 'F32', shape: [1], data: producer('a', 1) },
      { name: 'c', dtype: 'BF16', shape: [1], data: producer('c', 3) },
    ]);
    expect(calls).toEqual(['b', 'a', 'c']);
    expect([...parseSafetensors(out).readTensorAsFloat32('c')]).toEqual([3]);
  });
});
