// Streams corpus files as batches of whole lines, so counting never holds more than a few
// batches in memory whatever the corpus size. Lines are cut on "\n" bytes, which never occur
// inside a UTF-8 multi-byte sequence, so batches can be decoded independently. The batching
// depends only on the file and `batchBytes`, never on the number of workers, so counts are the
// same with any number of workers.

import { createReadStream } from 'node:fs';
import { CorpusError } from './errors';

/** A run of complete lines from one file. */
export interface CorpusBatch {
  /** Index of the file in the input list. */
  fileIndex: number;
  /** 1-based number of the first line in the batch. */
  firstLine: number;
  /** The bytes of the lines, newlines included (the file's last line may lack one). */
  bytes: Uint8Array;
}

/** Default batch size: large enough to amortise messaging, small enough to keep memory flat. */
export const DEFAULT_BATCH_BYTES = 256 * 1024;

function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  let i = bytes.indexOf(10);
  while (i >= 0) {
    n++;
    i = bytes.indexOf(10, i + 1);
  }
  return n;
}

/**
 * Yields `path` as batches of whole lines of at least `batchBytes` (except the last; a single
 * longer line makes a longer batch). Throws `CorpusError` naming the file when it cannot be read.
 */
export async function* readLineBatches(path: string, fileIndex: number, batchBytes = DEFAULT_BATCH_BYTES): AsyncGenerator<CorpusBatch> {
  const stream = createReadStream(path, { highWaterMark: Math.max(64 * 1024, Math.min(batchBytes, 1 << 20)) });
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let line = 1;
  const take = (): Uint8Array => {
    const out = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return out;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let offset = 0;
      // Cut batches at the first line end once a batch has `batchBytes`.
      for (;;) {
        const want = Math.max(1, batchBytes - pendingBytes);
        if (chunk.length - offset < want) break;
        const newline = chunk.indexOf(10, offset + want - 1);
        if (newline < 0) break;
        pending.push(chunk.subarray(offset, newline + 1));
        pendingBytes += newline + 1 - offset;
        offset = newline + 1;
        const bytes = take();
        yield { fileIndex, firstLine: line, bytes };
        line += countNewlines(bytes);
      }
      if (offset < chunk.length) {
        pending.push(chunk.subarray(offset));
        pendingBytes += chunk.length - offset;
      }
    }
  } catch (error) {
    throw new CorpusError({
      message: `${path}: cannot read (${(error as Error).message})`,
      file: path,
      cause: error,
    });
  }
  if (pendingBytes > 0) yield { fileIndex, firstLine: line, bytes: take() };
}
