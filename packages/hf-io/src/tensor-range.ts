// Which bytes of the byte buffer hold a tensor, or a range of its rows.
// Safetensors stores tensors row-major ("C" order, safetensors README), so rows [start, end) of
// the first dimension are one contiguous byte range: that is what makes partial reads cheap.

import { InvalidArgumentError } from './errors';
import type { TensorInfo } from './header-parse';
import { parseOptions } from '@tinylm/errors';
import { readTensorOptions } from './options';
import { showValue } from '@tinylm/errors';

/** Options for reading a tensor. */
export interface ReadTensorOptions {
  /**
   * Read only rows `[start, end)` of the first dimension, e.g. `[0, 16]` of an embedding matrix.
   * Requires `0 <= start <= end <= shape[0]`.
   */
  rows?: readonly [start: number, end: number];
}

/** A byte range `[begin, end)` relative to the start of the byte buffer, and its shape. */
export interface TensorByteRange {
  readonly begin: number;
  readonly end: number;
  readonly shape: readonly number[];
}

/** The byte range holding `info` (or the requested rows of it). */
export function tensorByteRange(info: TensorInfo, options: ReadTensorOptions | undefined, file: string): TensorByteRange {
  options = parseOptions(readTensorOptions.optional(), options, 'readTensor');
  const [begin, end] = info.dataOffsets;
  if (options?.rows === undefined) return { begin, end, shape: info.shape };
  const [start, stop] = options.rows;
  const where = `${file}: tensor ${showValue(info.name)}`;
  if (info.shape.length === 0) {
    throw new InvalidArgumentError({
      message: `${where}: is a scalar and has no rows to select`,
      file,
      tensor: info.name,
      field: 'rows',
    });
  }
  const rows = info.shape[0];
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(stop) || start < 0 || start > stop || stop > rows) {
    throw new InvalidArgumentError({
      message: `${where}: rows [${start}, ${stop}] out of range; allowed: integers 0 <= start <= end <= ${rows}`,
      file,
      tensor: info.name,
      field: 'rows',
    });
  }
  const rowBytes = rows === 0 ? 0 : info.byteLength / rows;
  return {
    begin: begin + start * rowBytes,
    end: begin + stop * rowBytes,
    shape: [stop - start, ...info.shape.slice(1)],
  };
}
