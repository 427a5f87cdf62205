// Atomic folders: temp sibling + rename, nothing left behind on failure, refuse or force.

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputExistsError } from './errors';
import { commitDir, withTempDir } from './temp-dir';
import { caught } from './__fixtures__/raw-safetensors';
import { useTempDir } from './__fixtures__/temp';

const tmp = useTempDir();

describe('withTempDir / commitDir', () => {
  it('fills a temporary sibling and renames it into place', async () => {
    const target = join(tmp.dir, 'out', 'run-1');
    let seen = '';
    const result = await withTempDir(target, async (dir) => {
      seen = dir;
      expect(dir).toMatch(/run-1\.tmp-[0-9a-f]{12}$/);
      await writeFile(join(dir, 'a.txt'), 'A');
      return 42;
    });
    expect(result).toBe(42);
    expect(await readFile(join(target, 'a.txt'), 'utf8')).toBe('A');
    expect(await readdir(join(tmp.dir, 'out'))).toEqual(['run-1']);
    expect(seen).not.toBe(target);
  });

  it('a failure leaves neither the target nor the temporary folder', async () => {
    const target = join(tmp.dir, 'run');
    const boom = new Error('producer failed');
    const error = await caught(() =>
      withTempDir(target, async (dir) => {
        await writeFile(join(dir, 'half.bin'), 'partial');
        throw boom;
      }),
    );
    expect(error).toBe(boom);
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('refuses an existing target before doing any work, unless force', async () => {
    const target = join(tmp.dir, 'run');
    await mkdir(target);
    await writeFile(join(target, 'old.txt'), 'old');
    let called = false;
    const error = await caught(() =>
      withTempDir(target, async () => {
        called = true;
      }),
    );
    expect(OutputExistsError.isInstance(error)).toBe(true);
    expect(error.message).toBe(`${target} already exists; pass force: true to replace it`);
    expect(called).toBe(false);

    await withTempDir(target, async (dir) => writeFile(join(dir, 'new.txt'), 'new'), { force: true });
    expect(await readdir(target)).toEqual(['new.txt']);
    expect(await readdir(tmp.dir)).toEqual(['run']);
  });

  it('commitDir refuses to replace a target created meanwhile', async () => {
    const staging = join(tmp.dir, 'staging');
    const target = join(tmp.dir, 'target');
    await mkdir(staging);
    await mkdir(target);
    expect(OutputExistsError.isInstance(await caught(() => commitDir(staging, target)))).toBe(true);
    await commitDir(staging, target, { force: true });
    expect((await readdir(tmp.dir)).sort()).toEqual(['target']);
  });
});
