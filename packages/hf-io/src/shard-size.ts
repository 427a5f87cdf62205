// Parsing a maximum shard size the way Hugging Face does: huggingface_hub's `parse_size_to_int`
// (used by transformers' save_pretrained: "5GB" = 5 * 10^9, units TB/GB/MB/KB in any case,
// decimal values such as "1.5GB", result truncated to an integer), plus the binary units
// KiB/MiB/GiB/TiB that transformers' older `convert_file_size_to_int` accepted. A number (or a
// string of digits) is a size in bytes.

import { InvalidArgumentError } from './errors';
import { showValue } from '@tinylm/errors';

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

const PATTERN = /^(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)$/i;

/** huggingface_hub's default maximum shard size. */
export const DEFAULT_MAX_SHARD_SIZE = '5GB';

/**
 * A shard size in bytes from a number of bytes or a string such as `"2GB"`, `"500MB"`,
 * `"1.5GB"` or `"10GiB"`. Throws `InvalidArgumentError` listing the accepted forms otherwise.
 */
export function parseShardSize(size: number | string): number {
  const bad = (): never => {
    throw new InvalidArgumentError({
      message:
        `max shard size ${showValue(size)} is not valid; allowed: a positive number of bytes, or a ` +
        'number followed by KB, MB, GB, TB (powers of 10) or KiB, MiB, GiB, TiB (powers of 2), e.g. "5GB", "500MB"',
      field: 'maxShardSize',
    });
  };
  if (typeof size === 'number') {
    if (!Number.isSafeInteger(size) || size <= 0) bad();
    return size;
  }
  if (typeof size !== 'string') return bad();
  const match = PATTERN.exec(size.trim());
  const unitName = match ? match[2].toUpperCase() : '';
  const unit = match && Object.hasOwn(UNITS, unitName) ? UNITS[unitName] : undefined;
  if (!match || unit === undefined) return bad();
  const bytes = Math.trunc(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) bad();
  return bytes;
}
