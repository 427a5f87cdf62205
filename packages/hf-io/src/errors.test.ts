// Error classes: one per kind, told apart by Symbol.for markers (vercel/ai's isInstance pattern),
// also across a second copy of the module.

import { describe, expect, it, vi } from 'vitest';
import * as errors from './errors';

const kinds = [
  'SafetensorsFormatError',
  'SafetensorsWriteError',
  'TensorNotFoundError',
  'HfFolderError',
  'OutputExistsError',
  'InvalidArgumentError',
] as const;

describe('error classes', () => {
  it('carry name, message, location and cause', () => {
    const cause = new Error('ENOENT');
    const error = new errors.HfFolderError({ message: 'm', file: 'f', tensor: 't', field: 'x', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('HfFolderError');
    expect([error.message, error.file, error.tensor, error.field, error.cause]).toEqual(['m', 'f', 't', 'x', cause]);
  });

  it('isInstance tells the kinds apart', () => {
    for (const kind of kinds) {
      const error = new errors[kind]({ message: kind });
      for (const other of kinds)
        expect(errors[other].isInstance(error), `${other}.isInstance(${kind})`).toBe(other === kind);
      expect(errors.TinylmError.isInstance(error)).toBe(true);
    }
    expect(errors.TinylmError.isInstance(new Error('plain'))).toBe(false);
    expect(errors.SafetensorsFormatError.isInstance(null)).toBe(false);
    expect(errors.SafetensorsFormatError.isInstance('SafetensorsFormatError')).toBe(false);
  });

  it('isInstance recognises errors from a second copy of the module, where instanceof fails', async () => {
    vi.resetModules();
    // A query string makes vite load the file again as a distinct module instance.
    const specifier = './errors?copy';
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof errors;
    expect(copy.SafetensorsFormatError).not.toBe(errors.SafetensorsFormatError);
    const foreign = new copy.SafetensorsFormatError({ message: 'from another copy' });
    expect(foreign instanceof errors.SafetensorsFormatError).toBe(false);
    expect(errors.SafetensorsFormatError.isInstance(foreign)).toBe(true);
    expect(errors.TinylmError.isInstance(foreign)).toBe(true);
    expect(errors.HfFolderError.isInstance(foreign)).toBe(false);
  });
});
