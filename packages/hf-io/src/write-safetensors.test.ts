// Streamed, atomic safetensors writing: one producer at a time, nothing partial left on failure.

import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsWriteError } from './errors';
import { openSafetensors } from './safetensors-file';
import { writeSafetensors } from './write-safetensors';
import { caught } from './__fixtures__/raw-safetensors';
import { useTempDir } from './__fixtures__/temp';

const tmp = useTempDir();

describe('writeSafetensors', () => {
  it('streams: each producer runs after the previous tensor is on disk, one at a time', async () => {
    const path = join(tmp.dir, 'model.safetensors');
    const seenSizes: number[] = [];
    let active = 0;
    const producer = (value: number) => async () => {
      active += 1;
      if (active !== 1) throw new Error('two producers ran at once');
      const temp = (await readdir(tmp.dir)).find((f) => f.startsWith('model.safetensors.tmp-'));
      seenSizes.push(temp ? (await stat(join(tmp.dir, temp))).size : -1);
      active -= 1;
      return new Float32Array(1024).fill(value);
    };
    const written = await writeSafetensors(path, [
      { name: 'a', dtype: 'F32', shape: [1024], data: producer(1) },
      { name: 'b', dtype: 'F32', shape: [1024], data: producer(2) },
      { name: 'c', dtype: 'F32', shape: [1024], data: producer(3) },
    ]);
    const headerBytes = written.fileSize - 3 * 4096;
    expect(seenSizes).toEqual([headerBytes, headerBytes + 4096, headerBytes + 8192]);
    expect((await stat(path)).size).toBe(written.fileSize);
    const file = await openSafetensors(path);
    expect((await file.readTensorAsFloat32('c'))[1023]).toBe(3);
    await file.close();
  });

  it('a failing producer leaves no file and no temporary file', async () => {
    const path = join(tmp.dir, 'model.safetensors');
    const boom = new Error('out of GPU memory');
    const error = await caught(() =>
      writeSafetensors(path, [
        { name: 'a', dtype: 'F32', shape: [2], data: new Float32Array(2) },
        {
          name: 'b',
          dtype: 'F32',
          shape: [2],
          data: () => {
            throw boom;
          },
        },
      ]),
    );
    expect(error).toBe(boom);
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('a failed write leaves an existing file untouched', async () => {
    const path = join(tmp.dir, 'model.safetensors');
    await writeFile(path, 'previous contents');
    const error = await caught(() =>
      writeSafetensors(path, [{ name: 'a', dtype: 'BF16', shape: [3], data: async () => new Float32Array(2) }]),
    );
    expect(SafetensorsWriteError.isInstance(error)).toBe(true);
    expect(error.message).toBe(`${path}: tensor "a": data has 2 elements (Float32Array) but BF16 [3] needs 3 elements`);
    expect(await readFile(path, 'utf8')).toBe('previous contents');
    expect(await readdir(tmp.dir)).toEqual(['model.safetensors']);
  });

  it('replaces an existing file on success', async () => {
    const path = join(tmp.dir, 'model.safetensors');
    await writeFile(path, 'previous contents');
    await writeSafetensors(path, [{ name: 'a', dtype: 'U8', shape: [1], data: new Uint8Array([7]) }]);
    const file = await openSafetensors(path);
    expect(await file.readTensor('a')).toEqual(new Uint8Array([7]));
    await file.close();
  });

  it('checks names before creating anything', async () => {
    const path = join(tmp.dir, 'sub', 'model.safetensors');
    const error = await caught(() =>
      writeSafetensors(path, [
        { name: 'a', dtype: 'U8', shape: [1], data: new Uint8Array(1) },
        { name: 'a', dtype: 'U8', shape: [1], data: new Uint8Array(1) },
      ]),
    );
    expect(error.message).toBe(`${path}: tensor "a": appears twice; tensor names must be unique`);
    expect(await readdir(tmp.dir)).toEqual([]);
  });
});
