// Error classes of @tinylm/param-inherit, one per kind of bad input. They extend the kernels'
// TinylmError, so they carry the shared Symbol.for('tinylm.error') marker (recognised across
// duplicate package copies, the vercel/ai pattern) and a `kind`; each class's `isInstance`
// checks that kind. Messages name the field, tensor or file, the value found and what is allowed.
import { TinylmError } from '@tinylm/kernels';

/** Where the problem is: a config field, a tensor, a file. */
export interface InheritErrorLocation {
  field?: string;
  tensor?: string;
  file?: string;
  cause?: unknown;
}

/** Base of this package's errors (`kind` starts with `inherit-`). */
export class InheritError extends TinylmError {
  readonly field?: string;
  readonly tensor?: string;
  readonly file?: string;

  constructor(kind: string, message: string, where: InheritErrorLocation = {}) {
    super(kind, message, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = 'InheritError';
    this.field = where.field;
    this.tensor = where.tensor;
    this.file = where.file;
  }

  static override isInstance(error: unknown): error is InheritError {
    return TinylmError.isInstance(error) && typeof error.kind === 'string' && error.kind.startsWith('inherit-');
  }
}

/**
 * The target shape cannot be inherited from the source: larger in some dimension, a different
 * head size, more query heads per KV group than the source has, an untied source into a tied
 * target, a vocabulary size that matches neither the source nor the vocabulary map.
 */
export class TargetShapeError extends InheritError {
  constructor(message: string, where: InheritErrorLocation = {}) {
    super('inherit-target', message, where);
    this.name = 'TargetShapeError';
  }

  static override isInstance(error: unknown): error is TargetShapeError {
    return TinylmError.isInstance(error) && error.kind === 'inherit-target';
  }
}

/** The source folder is not a usable LLaMA-family checkpoint (other architecture, missing or misshapen tensors). */
export class SourceModelError extends InheritError {
  constructor(message: string, where: InheritErrorLocation = {}) {
    super('inherit-source', message, where);
    this.name = 'SourceModelError';
  }

  static override isInstance(error: unknown): error is SourceModelError {
    return TinylmError.isInstance(error) && error.kind === 'inherit-source';
  }
}

/** vocab-map.json is malformed, not monotone / dense, or names ids outside the source vocabulary. */
export class VocabMapError extends InheritError {
  constructor(message: string, where: InheritErrorLocation = {}) {
    super('inherit-vocab-map', message, where);
    this.name = 'VocabMapError';
  }

  static override isInstance(error: unknown): error is VocabMapError {
    return TinylmError.isInstance(error) && error.kind === 'inherit-vocab-map';
  }
}

/** Calibration data is missing (a data-driven criterion needs it), unreadable, too short or out of vocabulary. */
export class CalibrationError extends InheritError {
  constructor(message: string, where: InheritErrorLocation = {}) {
    super('inherit-calibration', message, where);
    this.name = 'CalibrationError';
  }

  static override isInstance(error: unknown): error is CalibrationError {
    return TinylmError.isInstance(error) && error.kind === 'inherit-calibration';
  }
}

/** An option of `inheritParams` is out of range (criterion name, step count, first-layer count...). */
export class InheritOptionError extends InheritError {
  constructor(message: string, where: InheritErrorLocation = {}) {
    super('inherit-option', message, where);
    this.name = 'InheritOptionError';
  }

  static override isInstance(error: unknown): error is InheritOptionError {
    return TinylmError.isInstance(error) && error.kind === 'inherit-option';
  }
}
