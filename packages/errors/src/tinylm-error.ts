// The base of every error a tinylm package throws.
//
// Kinds are told apart by markers registered with `Symbol.for`, never by `instanceof`: when two
// copies of a package are installed (two versions in one tree, or an ESM and a CommonJS copy),
// `instanceof` fails but the global symbol registry is shared. This is the pattern of vercel/ai's
// `AISDKError`. Each class declares a static `kind`, unique across tinylm; the constructor marks
// the instance with the kind of its class and of every class above it, so
// `CheckpointFormatError.isInstance(e)` and `TinylmError.isInstance(e)` both hold for one error.

/** The marker every tinylm error has carried since 0.1, kept so older copies still recognise ours. */
const LEGACY_MARKER = Symbol.for('tinylm.error');

const markerOf = (kind: string) => Symbol.for(`tinylm.error.${kind}`);

/** What an error is about, for programs; the message says the same in words. */
export interface ErrorDetails {
  /** The file or folder involved (a label such as `<buffer>` for in-memory data). */
  file?: string;
  /** The tensor involved. */
  tensor?: string;
  /** The option, argument, JSON field or config field involved (`train.steps`, `config.json: hidden_size`). */
  field?: string;
  /** The value that was refused. */
  value?: unknown;
  /** What would have been accepted, in words (`a positive integer`, `f16, f32`). */
  allowed?: string;
  /** The error underneath, when this one wraps another. */
  cause?: unknown;
}

/** A class of tinylm error: its static `kind` names it. */
export interface ErrorKind<T extends TinylmError = TinylmError> {
  readonly kind: string;
  // biome-ignore lint/suspicious/noExplicitAny: constructor signatures differ per kind
  new (...args: any[]): T;
}

/**
 * Base class of every error thrown by a tinylm package. Test with `X.isInstance(error)` (or
 * `isTinylmError(error, 'X')`), which works across package copies where `instanceof` does not.
 */
export class TinylmError extends Error {
  static readonly kind: string = 'TinylmError';
  /** The kind of this error (its class's `kind`), e.g. `ConfigValueError`. */
  readonly kind: string;
  readonly file?: string;
  readonly tensor?: string;
  readonly field?: string;
  readonly value?: unknown;
  readonly allowed?: string;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    const own = new.target as unknown as ErrorKind;
    this.kind = own.kind;
    this.name = own.kind;
    const marks = this as unknown as Record<symbol, boolean>;
    marks[LEGACY_MARKER] = true;
    for (let c: unknown = own; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      const kind = (c as Partial<ErrorKind>).kind;
      if (typeof kind === 'string') marks[markerOf(kind)] = true;
    }
    for (const key of ['file', 'tensor', 'field', 'value', 'allowed'] as const) {
      if (details[key] !== undefined) Object.defineProperty(this, key, { value: details[key], enumerable: true });
    }
  }

  /** True when `error` is of this kind (or a kind below it), from any copy of any tinylm package. */
  static isInstance<T extends TinylmError>(this: ErrorKind<T>, error: unknown): error is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the check is called on
    return isTinylmError(error, this.kind);
  }
}

// `X.isInstance` is also passed on unbound (`errors.some(X.isInstance)`, a test's predicate), as
// it could be when each class had its own: reading it from a class gives it bound to that class.
const isInstanceOfKind = TinylmError.isInstance;
Object.defineProperty(TinylmError, 'isInstance', {
  get(this: ErrorKind) {
    return isInstanceOfKind.bind(this);
  },
});

/**
 * True for any tinylm error, or, given `kind`, for an error of that kind or a kind below it.
 * The string form needs no import of the package that defines the kind.
 */
export function isTinylmError(error: unknown, kind?: string): error is TinylmError {
  if (error === null || typeof error !== 'object') return false;
  const marks = error as Record<symbol, unknown>;
  if (kind === undefined || kind === TinylmError.kind) return marks[LEGACY_MARKER] === true;
  return marks[markerOf(kind)] === true;
}
