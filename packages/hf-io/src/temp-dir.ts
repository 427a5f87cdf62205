// Atomic folder writes: build the folder under a temporary sibling `<target>.tmp-<random>`, then
// rename it to `target` at the end. rename(2) of a folder is atomic within one file system, so a
// crash or an error leaves either no folder or a complete one, never a half-written one.
// Shared by tinylm packages (hf-io's writeHfFolder, tokenizer-prune, convert2hf, the trainer).

import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempSiblingPath } from './atomic-write';
import { OutputExistsError } from './errors';
import { pathExists } from './path-probe';
import { parseOptions } from '@tinylm/errors';
import { commitDirOptions } from './options';

/** Options for `commitDir` and `withTempDir`. */
export interface CommitDirOptions {
  /** Replace `target` if it already exists. Default false: an existing target is an error. */
  force?: boolean;
}

function existsError(target: string): OutputExistsError {
  return new OutputExistsError({
    message: `${target} already exists; pass force: true to replace it`,
    file: target,
  });
}

/**
 * Moves the finished folder `tempDir` to `target`. If `target` exists this throws
 * `OutputExistsError`, unless `force` is set: then the old `target` is moved aside, the new one
 * renamed in, and the old one deleted (restored if the rename fails).
 */
export async function commitDir(tempDir: string, target: string, options: CommitDirOptions = {}): Promise<void> {
  options = parseOptions(commitDirOptions, options, 'commitDir');
  if (!(await pathExists(target))) {
    await rename(tempDir, target);
    return;
  }
  if (!options.force) throw existsError(target);
  const old = tempSiblingPath(target, 'old');
  await rename(target, old);
  try {
    await rename(tempDir, target);
  } catch (error) {
    await rename(old, target).catch(() => undefined);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}

/**
 * Creates the empty folder `<target>.tmp-<random>` beside `target`, lets `fill` write into it,
 * then commits it to `target` (see `commitDir`). An existing `target` is refused before any work
 * unless `force` is set. If `fill` or the commit throws, the temporary folder is deleted and the
 * error rethrown, so no partial folder is ever left behind.
 */
export async function withTempDir<T>(target: string, fill: (tempDir: string) => Promise<T>, options: CommitDirOptions = {}): Promise<T> {
  options = parseOptions(commitDirOptions, options, 'withTempDir');
  if (!options.force && (await pathExists(target))) throw existsError(target);
  await mkdir(dirname(target), { recursive: true });
  const temp = tempSiblingPath(target);
  await mkdir(temp);
  try {
    const result = await fill(temp);
    await commitDir(temp, target, options);
    return result;
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
