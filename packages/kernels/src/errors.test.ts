// Tests of errors.ts: the kernels' kinds on the shared TinylmError, told apart by their
// registered Symbol.for markers (errors from another copy of the package: test/error-kinds.test.ts,
// for every class).
import { TinylmError as SharedTinylmError } from '@tinylm/errors';
import { describe, expect, it } from 'vitest';
import { ArgumentError, BackendError, MemoryError, TinylmError } from './errors';

const classes = [BackendError, ArgumentError, MemoryError];

describe('kernels error classes', () => {
  it('the base is the shared TinylmError; kind and name are the class name', () => {
    expect(TinylmError).toBe(SharedTinylmError);
    expect(classes.map((C) => new C('m').kind)).toEqual(['BackendError', 'ArgumentError', 'MemoryError']);
    expect(classes.map((C) => new C('m').name)).toEqual(['BackendError', 'ArgumentError', 'MemoryError']);
  });

  it('each kind is recognised by its own isInstance and by TinylmError.isInstance, not by the others', () => {
    classes.forEach((C, i) => {
      const error = new C(`error ${i}`);
      expect(error).toBeInstanceOf(Error);
      expect(TinylmError.isInstance(error)).toBe(true);
      classes.forEach((other, j) => expect(other.isInstance(error), `${other.name}.isInstance(${C.name})`).toBe(i === j));
    });
    expect(TinylmError.isInstance(new RangeError('Array buffer allocation failed'))).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('device lost');
    expect(new BackendError('webgpu failed', { cause }).cause).toBe(cause);
    expect(new MemoryError('too big', { cause }).cause).toBe(cause);
  });

  it('the kind strings of 0.1 (backend, argument, memory) are no longer what isInstance reads', () => {
    const old = Object.assign(new Error('from kernels 0.1'), { [Symbol.for('tinylm.error')]: true, kind: 'memory' });
    expect(TinylmError.isInstance(old)).toBe(true);
    expect(MemoryError.isInstance(old)).toBe(false);
  });
});
