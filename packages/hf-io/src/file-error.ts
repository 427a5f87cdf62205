// Operating-system errors (no such file, permission denied, a name too long) as this package's
// own error, naming the file and what was being done. The system error stays as `cause`, so a
// caller that explains system errors (the CLI looks for `code` down the cause chain) still can.

import { isTinylmError, showValue, type TinylmError } from '@tinylm/errors';
import { HfFolderError } from './errors';

/**
 * `path: cannot <doing> (CODE: message)`, as an `HfFolderError` with the system error as cause;
 * a tinylm error (already naming what is wrong) is returned as it is.
 */
export function fileError(path: string, doing: string, error: unknown): TinylmError {
  if (isTinylmError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = error instanceof Error ? error.message : showValue(error);
  // A path built from hostile input (a 5,000-character shard name) is shown cut, not whole.
  const shown = path.length > 300 ? showValue(path) : path;
  return new HfFolderError({
    message: `${shown}: cannot ${doing} (${code && !why.startsWith(code) ? `${code}: ` : ''}${why.slice(0, 300)})`,
    file: path,
    cause: error,
  });
}
