import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError, isTinylmError, OptionsError, parseOptions, TinylmError } from './index';

class CheckpointError extends TinylmError {
  static override readonly kind: string = 'TestCheckpointError';
}
class CheckpointFormatError extends CheckpointError {
  static override readonly kind: string = 'TestCheckpointFormatError';
}

describe('TinylmError', () => {
  it('marks every kind up the chain, and names the error after its kind', () => {
    const e = new CheckpointFormatError('bad step dir', {
      file: 'run/step-00000004',
      field: 'state.json: step',
      value: -1,
      allowed: 'a whole number >= 0',
    });
    expect(e.name).toBe('TestCheckpointFormatError');
    expect(e.kind).toBe('TestCheckpointFormatError');
    expect(CheckpointFormatError.isInstance(e)).toBe(true);
    expect(CheckpointError.isInstance(e)).toBe(true);
    expect(TinylmError.isInstance(e)).toBe(true);
    expect(CheckpointFormatError.isInstance(new CheckpointError('x'))).toBe(false);
    expect(InvalidArgumentError.isInstance(e)).toBe(false);
    expect([e.file, e.field, e.value, e.allowed]).toEqual(['run/step-00000004', 'state.json: step', -1, 'a whole number >= 0']);
  });

  it('recognises an error from another copy of a package by its registered markers alone', () => {
    // What a second copy's instance looks like to this copy: a plain Error with the global symbols.
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('tinylm.error')]: true,
      [Symbol.for('tinylm.error.TestCheckpointError')]: true,
    });
    expect(CheckpointError.isInstance(foreign)).toBe(true);
    expect(isTinylmError(foreign)).toBe(true);
    expect(isTinylmError(foreign, 'TestCheckpointFormatError')).toBe(false);
    expect(isTinylmError(new Error('plain'))).toBe(false);
    expect(isTinylmError('TestCheckpointError')).toBe(false);
  });

  it('isInstance works unbound, for the class it was read from', () => {
    const isFormatError = CheckpointFormatError.isInstance;
    const isTinylm = TinylmError.isInstance;
    expect([new CheckpointFormatError('a'), new CheckpointError('b')].map(isFormatError)).toEqual([true, false]);
    expect([new CheckpointError('b'), new Error('c')].map(isTinylm)).toEqual([true, false]);
  });

  it('keeps the cause', () => {
    const cause = new Error('ENOENT');
    expect(new TinylmError('wrapped', { cause }).cause).toBe(cause);
  });

  it('InvalidArgumentError states field, value and what is allowed', () => {
    const e = new InvalidArgumentError({ field: 'exportGguf.dtype', value: 'f8', allowed: 'f16, f32, float16, float32' });
    expect(e.message).toBe('exportGguf.dtype = "f8" is invalid; allowed: f16, f32, float16, float32');
    expect(InvalidArgumentError.isInstance(e)).toBe(true);
  });
});

describe('parseOptions', () => {
  const rounds = z.strictObject({ sampleRate: z.number().gt(0).lt(1), steps: z.number().int().positive().optional() });
  const schema = z.strictObject({
    steps: z.number().int().positive(),
    vocabSize: z.number().int().optional(),
    rounds: z.array(rounds).optional(),
    lr: z.number().default(1e-3),
  });

  it('returns the parsed options with defaults', () => {
    expect(parseOptions(schema, { steps: 3 }, 'train')).toEqual({ steps: 3, lr: 1e-3 });
  });

  it('names an unknown key, the nearest allowed key and all allowed keys', () => {
    let error: unknown;
    try {
      parseOptions(schema, { steps: 3, rounds: [{ sample_rate: 0.9, sampleRate: 0.5 }] }, 'train');
    } catch (e) {
      error = e;
    }
    expect(OptionsError.isInstance(error)).toBe(true);
    const e = error as OptionsError;
    expect(e.issues).toEqual([
      { path: 'rounds[0].sample_rate', message: 'unknown option (did you mean sampleRate?); allowed: sampleRate, steps' },
    ]);
    expect(e.message).toBe('train: rounds[0].sample_rate: unknown option (did you mean sampleRate?); allowed: sampleRate, steps');
  });

  it('shows the value of the wrong type and reports every problem at once', () => {
    const e = (() => {
      try {
        parseOptions(schema, { vocabSize: '2000', stepz: 1 }, 'pruneTokenizer');
      } catch (err) {
        return err as OptionsError;
      }
    })();
    expect(e?.issues.map((i) => i.path).sort()).toEqual(['steps', 'stepz', 'vocabSize']);
    expect(e?.message).toMatch(/^3 problems with the options:/);
    expect(e?.message).toContain('pruneTokenizer: vocabSize: ');
    expect(e?.message).toContain('(got "2000")');
    expect(e?.message).toContain('pruneTokenizer: stepz: unknown option (did you mean steps?)');
  });

  it('refuses a non-object', () => {
    expect(() => parseOptions(schema, undefined, 'train')).toThrow(/^train: /);
  });
});
