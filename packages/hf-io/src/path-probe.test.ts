import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from './__fixtures__/temp';
import { isFile, pathExists } from './path-probe';

const tmp = useTempDir();

describe('pathExists / isFile', () => {
  it('tells files, folders and missing paths apart', async () => {
    const file = join(tmp.dir, 'a.json');
    await writeFile(file, '{}');
    await mkdir(join(tmp.dir, 'sub'));
    expect([await pathExists(file), await isFile(file)]).toEqual([true, true]);
    expect([await pathExists(join(tmp.dir, 'sub')), await isFile(join(tmp.dir, 'sub'))]).toEqual([true, false]);
    expect([await pathExists(join(tmp.dir, 'nope')), await isFile(join(tmp.dir, 'nope'))]).toEqual([false, false]);
    expect(await pathExists(join(file, 'below-a-file'))).toBe(false); // ENOTDIR
  });

  it.runIf(process.getuid?.() !== 0)('throws other errors instead of answering false', async () => {
    const locked = join(tmp.dir, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o000);
    await expect(pathExists(join(locked, 'x'))).rejects.toMatchObject({ code: 'EACCES' });
    await chmod(locked, 0o755);
  });
});
