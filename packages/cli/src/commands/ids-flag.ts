// `--ids 1,2,3`: token ids as a comma-separated list of non-negative integers. Ids travel as int32
// tensors, so an id past 2^31 - 1 is refused here rather than wrapped around.
import { showValue } from '@tinylm/errors';
import { UsageError } from '../args';

export const MAX_TOKEN_ID = 2 ** 31 - 1;

export function parseIds(value: unknown, flag = 'ids'): number[] {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`--${flag} needs a comma-separated list of token ids (integers from 0 to ${MAX_TOKEN_ID})`, {
      field: `--${flag}`,
      value,
    });
  }
  return value.split(',').map((s) => {
    const n = s.trim() === '' ? Number.NaN : Number(s);
    if (!Number.isInteger(n) || n < 0 || n > MAX_TOKEN_ID) {
      throw new UsageError(`--${flag}: ${showValue(s)} is not a token id (an integer from 0 to ${MAX_TOKEN_ID})`, {
        field: `--${flag}`,
        value: s,
        allowed: `integers from 0 to ${MAX_TOKEN_ID}`,
      });
    }
    return n;
  });
}
