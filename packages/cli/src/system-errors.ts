// Operating-system errors (a read-only or full disk, a missing folder, no permission) as one
// line naming the path and what went wrong, instead of a stack trace. (Long commands keep
// finished work: steps write to a temporary path and rename, so a later run picks up again.)

const MEANING: Record<string, string> = {
  ENOSPC: 'no space left on the device; free some space or write elsewhere, then run again',
  EDQUOT: 'disk quota exceeded; free some space or write elsewhere, then run again',
  EROFS: 'the file system is read-only; write elsewhere',
  EACCES: 'permission denied; choose a folder you can write to',
  EPERM: 'operation not permitted; choose a folder you can write to',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of this path is a file, not a folder',
  EISDIR: 'is a folder, where a file was expected',
  EEXIST: 'already exists',
  EMFILE: 'too many open files; raise the limit (ulimit -n) and run again',
};

interface SystemError {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
}

function findSystemError(e: unknown, depth = 0): SystemError | undefined {
  if (!e || typeof e !== 'object' || depth > 4) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && code in MEANING) return e as SystemError;
  return findSystemError((e as { cause?: unknown }).cause, depth + 1);
}

/** "PATH: meaning (CODE, syscall)" for an operating-system error (or one it caused), else undefined. */
export function describeSystemError(e: unknown): string | undefined {
  const s = findSystemError(e);
  if (!s) return undefined;
  const where = s.path ? `${s.path}${s.dest ? ` -> ${s.dest}` : ''}: ` : '';
  return `${where}${MEANING[s.code]} (${s.code}${s.syscall ? `, ${s.syscall}` : ''})`;
}

/**
 * A typed array the JavaScript engine could not allocate (a tfjs kernel's output: the blas
 * backend's own allocations are MemoryErrors already), as one line saying what to reduce.
 */
export function describeOutOfMemory(e: unknown): string | undefined {
  if (!(e instanceof RangeError) || !/Array buffer allocation failed|Invalid typed array length/.test(e.message)) return undefined;
  return `out of memory (${e.message}): reduce the batch size, the sequence length or the model`;
}
