// Error classes of @tinylm/param-inherit, one per kind of bad input, each extending
// `InheritError`, which extends the one tinylm base, `TinylmError` from @tinylm/errors.
// `X.isInstance(e)` (inherited) recognises them across duplicate package copies, where
// `instanceof` fails; `InheritError.isInstance(e)` holds for each of them. Messages name the
// field, tensor or file, the value found and what is allowed.
import { type ErrorDetails, TinylmError } from '@tinylm/errors';

/** @deprecated Use ErrorDetails from @tinylm/errors (the same fields, plus value and allowed); the old name goes in 0.3. */
export type InheritErrorLocation = ErrorDetails;

/** Base of this package's errors. */
export class InheritError extends TinylmError {
  static override readonly kind: string = 'InheritError';

  constructor(message: string, where?: ErrorDetails);
  /** @deprecated The kind is the class's now; drop the first argument. This form goes in 0.3. */
  constructor(legacyKind: string, message: string, where?: ErrorDetails);
  constructor(first: string, second?: string | ErrorDetails, third?: ErrorDetails) {
    if (typeof second === 'string') super(second, third);
    else super(first, second);
  }
}

/**
 * The target shape cannot be inherited from the source: larger in some dimension, a different
 * head size, more query heads per KV group than the source has, an untied source into a tied
 * target, a vocabulary size that matches neither the source nor the vocabulary map.
 */
export class TargetShapeError extends InheritError {
  static override readonly kind: string = 'TargetShapeError';

  constructor(message: string, where: ErrorDetails = {}) {
    super(message, where);
  }
}

/** The source folder is not a usable LLaMA-family checkpoint (other architecture, missing or misshapen tensors). */
export class SourceModelError extends InheritError {
  static override readonly kind: string = 'SourceModelError';

  constructor(message: string, where: ErrorDetails = {}) {
    super(message, where);
  }
}

/** vocab-map.json is malformed, not monotone / dense, or names ids outside the source vocabulary. */
export class VocabMapError extends InheritError {
  static override readonly kind: string = 'VocabMapError';

  constructor(message: string, where: ErrorDetails = {}) {
    super(message, where);
  }
}

/** Calibration data is missing (a data-driven criterion needs it), unreadable, too short or out of vocabulary. */
export class CalibrationError extends InheritError {
  static override readonly kind: string = 'CalibrationError';

  constructor(message: string, where: ErrorDetails = {}) {
    super(message, where);
  }
}

/** An option of `inheritParams` is out of range (criterion name, step count, first-layer count...). */
export class InheritOptionError extends InheritError {
  static override readonly kind: string = 'InheritOptionError';

  constructor(message: string, where: ErrorDetails = {}) {
    super(message, where);
  }
}
