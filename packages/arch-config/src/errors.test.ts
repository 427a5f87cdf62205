// Tests of errors.ts: per-kind classes recognised by Symbol.for markers across package copies (vercel/ai style).
import { describe, expect, it } from 'vitest';
import {
  ConfigParseError,
  ConfigValueError,
  InternEvoExportError,
  InvalidArgumentError,
  TinyLMError,
  UnknownPresetError,
  UnsupportedArchitectureError,
} from './errors';

describe('error classes', () => {
  it('each kind is recognised by its own isInstance and by TinyLMError.isInstance, not by the others', () => {
    const errors = [
      new ConfigValueError({ field: 'hiddenSize', value: 3, allowed: 'x' }),
      new ConfigParseError('bad'),
      new UnsupportedArchitectureError({ found: 'gpt2', allowed: 'llama' }),
      new UnknownPresetError('nope', ['a', 'b']),
      new InvalidArgumentError({ argument: 'batch', value: 0, allowed: 'a positive integer' }),
      new InternEvoExportError('no'),
    ];
    const classes = [ConfigValueError, ConfigParseError, UnsupportedArchitectureError, UnknownPresetError, InvalidArgumentError, InternEvoExportError];
    errors.forEach((error, i) => {
      expect(TinyLMError.isInstance(error)).toBe(true);
      expect(error).toBeInstanceOf(Error);
      classes.forEach((cls, j) => expect(cls.isInstance(error)).toBe(i === j));
    });
  });

  it('recognises an error from another copy of the package by its Symbol.for marker', () => {
    // A duplicate install defines a different class; only the registered symbols are shared.
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('tinylm.error')]: true,
      [Symbol.for('tinylm.error.ConfigValueError')]: true,
    });
    expect(foreign instanceof ConfigValueError).toBe(false);
    expect(ConfigValueError.isInstance(foreign)).toBe(true);
    expect(TinyLMError.isInstance(foreign)).toBe(true);
    expect(ConfigParseError.isInstance(foreign)).toBe(false);
  });

  it('rejects lookalikes', () => {
    for (const v of [null, undefined, 'tinylm.error', {}, new Error('x'), { [Symbol.for('tinylm.error')]: 'yes' }]) {
      expect(TinyLMError.isInstance(v)).toBe(false);
    }
  });

  it('messages name the source, field, value and what is allowed', () => {
    const e = new ConfigValueError({ field: 'numHeads', value: 3, allowed: 'a divisor', reason: 'odd head size', source: 'model.json' });
    expect(e.message).toBe('model.json: numHeads = 3 is invalid: odd head size; allowed: a divisor');
    expect(e.name).toBe('ConfigValueError');
    expect([e.field, e.value, e.allowed, e.reason, e.source]).toEqual(['numHeads', 3, 'a divisor', 'odd head size', 'model.json']);
    expect(new UnknownPresetError('x', ['a', 'b']).message).toBe('unknown preset "x"; available: a, b');
  });
});
