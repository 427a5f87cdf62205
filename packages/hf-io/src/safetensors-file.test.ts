// Safetensors files on disk: every dtype, row ranges, streamed reads, errors naming file and tensor.

import { open, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DTYPES } from './dtype';
import { SafetensorsFormatError, TensorNotFoundError } from './errors';
import { layoutSafetensors } from './header-serialize';
import { openSafetensors, withSafetensors } from './safetensors-file';
import { writeSafetensors } from './write-safetensors';
import { caught, rawSafetensors } from './__fixtures__/raw-safetensors';
import { sampleFloats, sampleTensors } from './__fixtures__/samples';
import { useTempDir } from './__fixtures__/temp';

const tmp = useTempDir();

describe('file round trip, every dtype', () => {
  it('writes and reads back every dtype bit for bit, and as float32', async () => {
    const samples = sampleTensors();
    const floats = sampleFloats();
    const path = join(tmp.dir, 'all.safetensors');
    await writeSafetensors(
      path,
      DTYPES.map((dtype) => ({ name: `t.${dtype}`, dtype, shape: [2, 3], data: samples[dtype] })),
      { metadata: { format: 'pt', note: 'round trip' } },
    );
    await withSafetensors(path, async (file) => {
      expect(file.metadata).toEqual({ format: 'pt', note: 'round trip' });
      expect(file.tensors).toHaveLength(DTYPES.length);
      for (const dtype of DTYPES) {
        expect(await file.readTensor(`t.${dtype}`), dtype).toEqual(samples[dtype]);
        expect([...(await file.readTensorAsFloat32(`t.${dtype}`))], dtype).toEqual(floats[dtype]);
      }
    });
  });

  it('reads row ranges by offset', async () => {
    const path = join(tmp.dir, 'rows.safetensors');
    const emb = new Float32Array(100 * 8).map((_, i) => (i % 64) / 4 - 7); // exact in BF16
    await writeSafetensors(path, [
      { name: 'emb', dtype: 'BF16', shape: [100, 8], data: emb },
      { name: 'pos', dtype: 'I64', shape: [10, 1, 2], data: new BigInt64Array(20).map((_, i) => BigInt(i)) },
    ]);
    const file = await openSafetensors(path);
    try {
      const rows = await file.readTensorAsFloat32('emb', { rows: [98, 100] });
      expect([...rows]).toEqual([...emb.subarray(98 * 8)]);
      expect(await file.readTensor('pos', { rows: [9, 10] })).toEqual(new BigInt64Array([18n, 19n]));
      expect((await file.readTensorBytes('emb', { rows: [0, 1] })).length).toBe(16);
    } finally {
      await file.close();
    }
  });
});

describe('streamed reading', () => {
  it('reads only the header on open and only the asked rows after, even from a 4.5 GB file', async () => {
    // A sparse file: header + one real row; the rest of the 4.5 GB is a hole. Loading the whole
    // file would fail outright (Node buffers stop at 4 GiB).
    const path = join(tmp.dir, 'big.safetensors');
    const rows = 1_100_000;
    const layout = layoutSafetensors([{ name: 'big', dtype: 'F32', shape: [rows, 1024] }]);
    const row = new Float32Array(1024).map((_, i) => i + 0.5);
    const handle = await open(path, 'w');
    await handle.write(layout.header, 0, layout.header.length, 0);
    await handle.write(new Uint8Array(row.buffer), 0, 4096, layout.header.length + 1_000_000 * 4096);
    await handle.close();
    await truncate(path, layout.fileSize);

    const probe = await open(path, 'r');
    const proto = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => unknown };
    await probe.close();
    const read = vi.spyOn(proto, 'read');
    try {
      const file = await openSafetensors(path);
      const bytesAsked = () => read.mock.calls.reduce((n, call) => n + Number(call[2]), 0);
      expect(bytesAsked()).toBe(layout.header.length);
      const got = await file.readTensorAsFloat32('big', { rows: [1_000_000, 1_000_002] });
      expect(bytesAsked()).toBe(layout.header.length + 2 * 4096);
      expect([...got.subarray(0, 1024)]).toEqual([...row]);
      expect(got.subarray(1024).every((v) => v === 0)).toBe(true);
      await file.close();
    } finally {
      read.mockRestore();
    }
  });
});

describe('bad files: errors name the file and the tensor', () => {
  it('a file truncated in the data', async () => {
    const path = join(tmp.dir, 'cut.safetensors');
    await writeSafetensors(path, [
      { name: 'a', dtype: 'F32', shape: [4], data: new Float32Array(4) },
      { name: 'b', dtype: 'F32', shape: [4], data: new Float32Array(4) },
    ]);
    const { size } = await (await import('node:fs/promises')).stat(path);
    await truncate(path, size - 3);
    const error = await caught(() => openSafetensors(path));
    expect(SafetensorsFormatError.isInstance(error)).toBe(true);
    expect(error.file).toBe(path);
    expect(error.tensor).toBe('b');
    expect(error.message).toContain(`${path}: tensor "b": data_offsets [16, 32] run past the end of the data`);
  });

  it('a file truncated inside the header, and an empty file', async () => {
    const path = join(tmp.dir, 'head.safetensors');
    await writeFile(path, rawSafetensors({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } }, 1).subarray(0, 30));
    expect((await caught(() => openSafetensors(path))).message).toMatch(
      /head\.safetensors: header size field says \d+ bytes but only 22 bytes follow/,
    );
    await writeFile(path, new Uint8Array(0));
    expect((await caught(() => openSafetensors(path))).message).toContain(`${path}: is 0 bytes long`);
  });

  it('a header size above 100 MB is refused before anything is read', async () => {
    const path = join(tmp.dir, 'huge-header.safetensors');
    await writeFile(path, rawSafetensors('{}', 0, 200_000_000n));
    const error = await caught(() => openSafetensors(path));
    expect(error.message).toContain(`${path}: header size field says 200000000 bytes, above the 100000000-byte limit`);
  });

  it('a bad dtype and overlapping offsets on disk', async () => {
    const path = join(tmp.dir, 'bad.safetensors');
    await writeFile(path, rawSafetensors({ x: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, 1));
    let error = await caught(() => openSafetensors(path));
    expect(error.message).toContain(`${path}: tensor "x": dtype "Q4" is not supported`);
    await writeFile(
      path,
      rawSafetensors({ x: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, y: { dtype: 'U8', shape: [2], data_offsets: [3, 5] } }, 5),
    );
    error = await caught(() => openSafetensors(path));
    expect(error.message).toContain(`${path}: tensor "y": data_offsets [3, 5] overlap tensor "x" [0, 4]`);
  });

  it('an unknown tensor name', async () => {
    const path = join(tmp.dir, 'one.safetensors');
    await writeSafetensors(path, [{ name: 'w', dtype: 'F32', shape: [1], data: new Float32Array(1) }]);
    await withSafetensors(path, async (file) => {
      const error = await caught(() => file.readTensor('v'));
      expect(TensorNotFoundError.isInstance(error)).toBe(true);
      expect(error.message).toBe(`${path}: no tensor "v"; it holds "w"`);
    });
  });

  it('closes the handle when the header is bad (no leaked descriptors)', async () => {
    const path = join(tmp.dir, 'bad.safetensors');
    await writeFile(path, rawSafetensors('not json'));
    const before = (await readdir('/proc/self/fd').catch(() => [])).length;
    for (let i = 0; i < 20; i++) await caught(() => openSafetensors(path));
    const after = (await readdir('/proc/self/fd').catch(() => [])).length;
    expect(after - before).toBeLessThan(5);
  });
});
