// `--ids 1,2,3`: token ids as a comma-separated list of non-negative integers.
import { UsageError } from '../args';

export function parseIds(value: unknown, flag = 'ids'): number[] {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${flag} needs a comma-separated list of token ids`);
  return value.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${flag}: "${s}" is not a non-negative integer token id`);
    return n;
  });
}
