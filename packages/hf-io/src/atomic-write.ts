// Atomic file writes: write a temporary sibling `<path>.tmp-<random>`, flush it to disk, then
// rename it over `path`. POSIX rename(2) replaces the target atomically within one file system,
// so readers see the old file or the new one, never a partial one; on failure the temporary
// file is removed. Shared by tinylm packages (tokenizer-prune, convert2hf, the trainer).

import { randomBytes } from 'node:crypto';
import { copyFile, type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeAt } from './file-io';
import { parseOptions } from '@tinylm/errors';
import { atomicWriteOptions } from './options';

/** Options for atomic writes. */
export interface AtomicWriteOptions {
  /** Flush the file to disk (fsync) before the rename. Default true. */
  fsync?: boolean;
  /** File mode of the new file (default 0o666, less the umask). */
  mode?: number;
}

/** A fresh sibling path `<path>.<tag>-<random hex>`, in the same folder so rename stays atomic. */
export function tempSiblingPath(path: string, tag = 'tmp'): string {
  return `${path}.${tag}-${randomBytes(6).toString('hex')}`;
}

/**
 * Creates `<path>.tmp-<random>`, lets `write` fill it through the open handle, then renames it
 * to `path` (creating missing parent folders). If `write` throws, the temporary file is removed,
 * `path` is left as it was, and the error is rethrown.
 */
export async function withAtomicFile<T>(
  path: string,
  write: (handle: FileHandle, tempPath: string) => Promise<T>,
  options: AtomicWriteOptions = {},
): Promise<T> {
  options = parseOptions(atomicWriteOptions, options, 'withAtomicFile');
  await mkdir(dirname(path), { recursive: true });
  const temp = tempSiblingPath(path);
  const handle = await open(temp, 'wx', options.mode);
  let closed = false;
  let renamed = false;
  try {
    const result = await write(handle, temp);
    if (options.fsync !== false) await handle.sync();
    closed = true;
    await handle.close();
    await rename(temp, path);
    renamed = true;
    return result;
  } catch (e) {
    // A failed write on the handle (ENOSPC, EDQUOT, EIO) carries no path: name the file.
    if (e && typeof e === 'object' && 'code' in e && !('path' in e)) Object.assign(e, { path });
    throw e;
  } finally {
    if (!renamed) {
      if (!closed) await handle.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }
}

/** Writes `data` (a UTF-8 string or bytes) to `path` atomically; see `withAtomicFile`. */
export async function atomicWriteFile(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  options = parseOptions(atomicWriteOptions, options, 'atomicWriteFile');
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  await withAtomicFile(path, (handle) => writeAt(handle, bytes, 0), options);
}

/** Copies `from` to `to` atomically (a temporary sibling of `to`, then rename). */
export async function atomicCopyFile(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  const temp = tempSiblingPath(to);
  try {
    await copyFile(from, temp);
    await rename(temp, to);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
