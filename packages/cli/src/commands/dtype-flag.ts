// The `--dtype` flag of every command: both spellings of a weight dtype (`float16` / `f16`, one
// vocabulary with the API, from @tinylm/hf-io), refused with the list of spellings allowed.
import { type FloatDtype, floatDtypeNames, normalizeFloatDtype } from '@tinylm/hf-io';
import { UsageError } from '../args';
import { showValue } from '@tinylm/errors';

/** The canonical dtype named by `value` (undefined when the flag is absent); `dtypes` narrows what the command supports. */
export function dtypeFlag<D extends FloatDtype = FloatDtype>(value: unknown, dtypes?: readonly D[], flag = 'dtype'): D | undefined {
  if (value === undefined) return undefined;
  try {
    return normalizeFloatDtype(value, `--${flag}`, dtypes);
  } catch {
    throw new UsageError(`--${flag} must be one of ${floatDtypeNames(dtypes)}, got ${showValue(value)}`);
  }
}
