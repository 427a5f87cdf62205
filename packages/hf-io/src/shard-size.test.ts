// Max shard sizes as huggingface_hub's parse_size_to_int reads them ("2GB", "500MB").

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { parseShardSize } from './shard-size';
import { caught } from './__fixtures__/raw-safetensors';

describe('parseShardSize (huggingface_hub parse_size_to_int semantics)', () => {
  it('parses decimal units in any case, decimals, spaces and binary units', () => {
    expect(parseShardSize('2GB')).toBe(2_000_000_000);
    expect(parseShardSize('500MB')).toBe(500_000_000);
    expect(parseShardSize('5gb')).toBe(5_000_000_000);
    expect(parseShardSize(' 1.5GB ')).toBe(1_500_000_000);
    expect(parseShardSize('10 KB')).toBe(10_000);
    expect(parseShardSize('1TB')).toBe(1e12);
    expect(parseShardSize('1GiB')).toBe(2 ** 30);
    expect(parseShardSize('3MiB')).toBe(3 * 2 ** 20);
    expect(parseShardSize('0.5KiB')).toBe(512);
  });

  it('takes numbers and digit strings as bytes', () => {
    expect(parseShardSize(1234)).toBe(1234);
    expect(parseShardSize('1234')).toBe(1234);
    expect(parseShardSize('1234B')).toBe(1234);
  });

  it('truncates like int(value * multiplier)', () => {
    expect(parseShardSize('1.0000000001KB')).toBe(1000);
  });

  it('rejects anything else, listing the accepted forms', async () => {
    for (const bad of ['', 'GB', '5 XB', '-1GB', '5G', '0MB', 'five', 0, -5, 1.5, Number.NaN]) {
      const error = await caught(() => parseShardSize(bad as string));
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error.message).toMatch(
        /^max shard size .* is not valid; allowed: a positive number of bytes, or a number followed by KB, MB, GB, TB/,
      );
    }
  });
});
