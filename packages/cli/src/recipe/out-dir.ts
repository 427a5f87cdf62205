// Creating the output folder of a long command, with the real reason when it cannot be made:
// Node's recursive mkdir reports ENOENT on a read-only file system, so the first missing folder
// is made once more on its own to surface EROFS / EACCES / ENOTDIR.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathExists } from '@tinylm/hf-io';

export async function makeOutputDir(dir: string): Promise<void> {
  const target = resolve(dir);
  try {
    await mkdir(target, { recursive: true });
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw e;
    let missing = target;
    while (dirname(missing) !== missing && !(await pathExists(dirname(missing)))) missing = dirname(missing);
    await mkdir(missing); // throws the underlying cause, naming the folder
    throw e;
  }
}
