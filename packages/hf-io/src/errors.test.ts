// Error classes: one per kind on the shared TinylmError, told apart by Symbol.for markers
// (vercel/ai's isInstance pattern), also across a second copy of the module.

import { InvalidArgumentError as SharedInvalidArgumentError, TinylmError as SharedTinylmError } from '@tinylm/errors';
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
    const refused = new errors.SafetensorsWriteError({
      message: 'bad dtype',
      tensor: 'w',
      field: 'dtype',
      value: 'F8',
      allowed: 'F16, BF16, F32',
    });
    expect([refused.value, refused.allowed]).toEqual(['F8', 'F16, BF16, F32']);
  });

  it('the base is the shared TinylmError, and kind and name are the class name', () => {
    expect(errors.TinylmError).toBe(SharedTinylmError);
    for (const kind of kinds) {
      const error = new errors[kind]({ message: kind });
      expect([error.kind, error.name, errors[kind].kind]).toEqual([kind, kind, kind]);
    }
  });

  it('InvalidArgumentError is the shared one, from its own { message } form or the shared form', () => {
    const own = new errors.InvalidArgumentError({
      message: 'rows [3, 9] out of range; allowed: 0 <= start <= end <= 4',
      file: 'a.safetensors',
      tensor: 'w',
      field: 'rows',
    });
    expect([own.message, own.file, own.tensor, own.field]).toEqual([
      'rows [3, 9] out of range; allowed: 0 <= start <= end <= 4',
      'a.safetensors',
      'w',
      'rows',
    ]);
    expect(String(own)).toBe('InvalidArgumentError: rows [3, 9] out of range; allowed: 0 <= start <= end <= 4');
    expect(SharedInvalidArgumentError.isInstance(own)).toBe(true);
    const shared = new errors.InvalidArgumentError({
      field: 'maxShardSize',
      value: '5XB',
      allowed: 'a number of bytes, or 5GB, 500MB, ...',
      file: 'out',
    });
    expect(shared.message).toBe('out: maxShardSize = "5XB" is invalid; allowed: a number of bytes, or 5GB, 500MB, ...');
    expect(errors.InvalidArgumentError.isInstance(new SharedInvalidArgumentError({ field: 'f', value: 1, allowed: '2' }))).toBe(true);
  });

  it('isInstance tells the kinds apart', () => {
    for (const kind of kinds) {
      const error = new errors[kind]({ message: kind });
      for (const other of kinds) expect(errors[other].isInstance(error), `${other}.isInstance(${kind})`).toBe(other === kind);
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

  it('isInstance recognises a plain object carrying the registered markers (what an older or other copy throws)', () => {
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('tinylm.error')]: true,
      [Symbol.for('tinylm.error.HfFolderError')]: true,
    });
    expect(errors.HfFolderError.isInstance(foreign)).toBe(true);
    expect(errors.TinylmError.isInstance(foreign)).toBe(true);
    expect(errors.TensorNotFoundError.isInstance(foreign)).toBe(false);
  });
});
