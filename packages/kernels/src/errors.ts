// Error classes of @tinylm/kernels, one per kind, each extending the one tinylm base,
// `TinylmError` from @tinylm/errors (re-exported here under its name). `X.isInstance(e)`
// (inherited) recognises errors thrown by a second copy of the package, where `instanceof` fails;
// `e.kind` is the class name (`BackendError`, `ArgumentError`, `MemoryError`).

import { TinylmError } from '@tinylm/errors';

export { TinylmError };

/** A backend name that is unknown, or known but not available here. */
export class BackendError extends TinylmError {
  static override readonly kind: string = 'BackendError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause });
  }
}

/** An op argument with the wrong shape, dtype or value; thrown before any backend work. */
export class ArgumentError extends TinylmError {
  static override readonly kind: string = 'ArgumentError';

  constructor(message: string) {
    super(message);
  }
}

/** A tensor that does not fit in memory; the message names its size and what to reduce. */
export class MemoryError extends TinylmError {
  static override readonly kind: string = 'MemoryError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause });
  }
}
