// Error classes of @tinylm/kernels. One class per kind; each carries a marker registered with
// Symbol.for so that `isInstance` recognises errors thrown by a second copy of the package
// (the vercel/ai pattern), where `instanceof` would fail.

const MARKER = Symbol.for('tinylm.error');

/** Base of every tinylm error: `TinylmError.isInstance(e)` works across package copies. */
export class TinylmError extends Error {
  readonly [MARKER] = true;
  /** Machine-readable kind, e.g. `backend` or `argument`. */
  readonly kind: string;

  constructor(kind: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = 'TinylmError';
  }

  static isInstance(error: unknown): error is TinylmError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** A backend name that is unknown, or known but not available here. */
export class BackendError extends TinylmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('backend', message, options);
    this.name = 'BackendError';
  }

  static override isInstance(error: unknown): error is BackendError {
    return TinylmError.isInstance(error) && error.kind === 'backend';
  }
}

/** An op argument with the wrong shape, dtype or value; thrown before any backend work. */
export class ArgumentError extends TinylmError {
  constructor(message: string) {
    super('argument', message);
    this.name = 'ArgumentError';
  }

  static override isInstance(error: unknown): error is ArgumentError {
    return TinylmError.isInstance(error) && error.kind === 'argument';
  }
}

/** A tensor that does not fit in memory; the message names its size and what to reduce. */
export class MemoryError extends TinylmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('memory', message, options);
    this.name = 'MemoryError';
  }

  static override isInstance(error: unknown): error is MemoryError {
    return TinylmError.isInstance(error) && error.kind === 'memory';
  }
}
