// Atomic file writes: temp sibling + rename, nothing left behind on failure, old file kept.

import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomicCopyFile, atomicWriteFile, tempSiblingPath, withAtomicFile } from './atomic-write';
import { caught } from './__fixtures__/raw-safetensors';
import { useTempDir } from './__fixtures__/temp';

const tmp = useTempDir();

describe('atomic file writes', () => {
  it('writes strings and bytes, creating parent folders', async () => {
    const path = join(tmp.dir, 'a', 'b', 'notes.txt');
    await atomicWriteFile(path, 'héllo\n');
    expect(await readFile(path, 'utf8')).toBe('héllo\n');
    await atomicWriteFile(path, new Uint8Array([1, 2, 3]), { fsync: false });
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    expect(await readdir(join(tmp.dir, 'a', 'b'))).toEqual(['notes.txt']);
  });

  it('on failure removes the temporary file and keeps the old one', async () => {
    const path = join(tmp.dir, 'state.json');
    await writeFile(path, '{"step": 1}');
    let tempSeen = '';
    const boom = new Error('disk full');
    const error = await caught(() =>
      withAtomicFile(path, async (handle, temp) => {
        tempSeen = temp;
        await handle.write('{"step": 2');
        throw boom;
      }),
    );
    expect(error).toBe(boom);
    expect(tempSeen).toMatch(/state\.json\.tmp-[0-9a-f]{12}$/);
    expect(await readFile(path, 'utf8')).toBe('{"step": 1}');
    expect(await readdir(tmp.dir)).toEqual(['state.json']);
  });

  it('names the file in a system error that has no path (a write on a full disk)', async () => {
    const path = join(tmp.dir, 'big.bin');
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    const error = await caught(() =>
      withAtomicFile(path, async () => {
        throw enospc;
      }),
    );
    expect(error).toBe(enospc);
    expect((error as { path?: string }).path).toBe(path);
    const withPath = Object.assign(new Error('EACCES'), { code: 'EACCES', path: '/elsewhere' });
    await caught(() =>
      withAtomicFile(join(tmp.dir, 'c.bin'), async () => {
        throw withPath;
      }),
    );
    expect(withPath.path).toBe('/elsewhere');
  });

  it('applies the mode', async () => {
    const path = join(tmp.dir, 'private');
    await atomicWriteFile(path, 'x', { mode: 0o600 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('copies atomically', async () => {
    await writeFile(join(tmp.dir, 'src.model'), new Uint8Array([9, 8, 7]));
    await atomicCopyFile(join(tmp.dir, 'src.model'), join(tmp.dir, 'out', 'dst.model'));
    expect([...(await readFile(join(tmp.dir, 'out', 'dst.model')))]).toEqual([9, 8, 7]);
    await caught(() => atomicCopyFile(join(tmp.dir, 'missing'), join(tmp.dir, 'out', 'x')));
    expect(await readdir(join(tmp.dir, 'out'))).toEqual(['dst.model']);
  });

  it('temporary names are siblings with a random suffix', () => {
    const a = tempSiblingPath('/x/y.bin');
    expect(a).toMatch(/^\/x\/y\.bin\.tmp-[0-9a-f]{12}$/);
    expect(tempSiblingPath('/x/y.bin')).not.toBe(a);
    expect(tempSiblingPath('/x/y', 'old')).toMatch(/^\/x\/y\.old-/);
  });
});
