// Positioned reads and writes on a Node file handle that always move the whole range.
// `FileHandle.read/write` may move fewer bytes than asked and refuse more than 2 GiB per call
// (Node's kIoMaxLength), so both loop in chunks.

import type { FileHandle } from 'node:fs/promises';

const CHUNK = 1 << 30;

/**
 * Reads `length` bytes at `position` into a new, exactly sized buffer. Returns fewer bytes only
 * if the file ends first; the caller decides whether that is an error.
 */
export async function readAt(handle: FileHandle, length: number, position: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, Math.min(CHUNK, length - done), position + done);
    if (bytesRead === 0) return out.subarray(0, done);
    done += bytesRead;
  }
  return out;
}

/** Writes all of `bytes` at `position`. */
export async function writeAt(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(CHUNK, bytes.length - done), position + done);
    done += bytesWritten;
  }
}
