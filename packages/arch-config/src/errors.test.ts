// Tests of errors.ts: per-kind classes on the shared TinylmError, recognised by their registered
// Symbol.for markers across package copies (vercel/ai style).
import { InvalidArgumentError as SharedInvalidArgumentError, isTinylmError } from '@tinylm/errors';
import { describe, expect, it } from 'vitest';
import {
  ConfigParseError,
  ConfigValueError,
  InternEvoExportError,
  InvalidArgumentError,
  TinyLMError,
  TinylmError,
  UnknownPresetError,
  UnsupportedArchitectureError,
} from './errors';

describe('error classes', () => {
  it('each kind is recognised by its own isInstance and by TinylmError.isInstance, not by the others', () => {
    const errors = [
      new ConfigValueError({ field: 'hiddenSize', value: 3, allowed: 'x' }),
      new ConfigParseError('bad'),
      new UnsupportedArchitectureError({ found: 'gpt2', allowed: 'llama' }),
      new UnknownPresetError('nope', ['a', 'b']),
      new InvalidArgumentError({ argument: 'batch', value: 0, allowed: 'a positive integer' }),
      new InternEvoExportError('no'),
    ];
    const classes = [
      ConfigValueError,
      ConfigParseError,
      UnsupportedArchitectureError,
      UnknownPresetError,
      InvalidArgumentError,
      InternEvoExportError,
    ];
    errors.forEach((error, i) => {
      expect(TinylmError.isInstance(error)).toBe(true);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(classes[i].name);
      expect(error.kind).toBe(classes[i].kind);
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
    expect(TinylmError.isInstance(foreign)).toBe(true);
    expect(isTinylmError(foreign, 'ConfigValueError')).toBe(true);
    expect(ConfigParseError.isInstance(foreign)).toBe(false);
  });

  it('rejects lookalikes', () => {
    for (const v of [null, undefined, 'tinylm.error', {}, new Error('x'), { [Symbol.for('tinylm.error')]: 'yes' }]) {
      expect(TinylmError.isInstance(v)).toBe(false);
    }
  });

  it('TinyLMError is the deprecated name of the shared TinylmError', () => {
    expect(TinyLMError).toBe(TinylmError);
    expect(TinyLMError.isInstance(new UnknownPresetError('x', []))).toBe(true);
  });

  it('messages name the source, field, value and what is allowed; the details are kept for programs', () => {
    const e = new ConfigValueError({ field: 'numHeads', value: 3, allowed: 'a divisor', reason: 'odd head size', source: 'model.json' });
    expect(e.message).toBe('model.json: numHeads = 3 is invalid: odd head size; allowed: a divisor');
    expect(e.name).toBe('ConfigValueError');
    expect([e.field, e.value, e.allowed, e.reason, e.source, e.file]).toEqual([
      'numHeads',
      3,
      'a divisor',
      'odd head size',
      'model.json',
      'model.json',
    ]);
    const preset = new UnknownPresetError('x', ['a', 'b']);
    expect(preset.message).toBe('unknown preset "x"; available: a, b');
    expect([preset.field, preset.value, preset.allowed]).toEqual(['preset', 'x', 'a, b']);
    const cause = new SyntaxError('Unexpected token');
    const parse = new ConfigParseError('not JSON', { source: 'config.json', cause });
    expect([parse.message, parse.file, parse.cause]).toEqual(['config.json: not JSON', 'config.json', cause]);
  });

  it('InvalidArgumentError is the shared one: same kind and message, from either constructor form', () => {
    const old = new InvalidArgumentError({ argument: 'batch', value: 0, allowed: 'a positive integer' });
    expect(old.message).toBe('batch = 0 is invalid; allowed: a positive integer');
    expect([old.field, old.argument, old.value, old.allowed]).toEqual(['batch', 'batch', 0, 'a positive integer']);
    expect(old.kind).toBe('InvalidArgumentError');
    expect(SharedInvalidArgumentError.isInstance(old)).toBe(true);
    const shared = new InvalidArgumentError({ field: 'seqLen', value: -1, allowed: 'a positive integer', reason: 'negative' });
    expect(shared.message).toBe(
      new SharedInvalidArgumentError({ field: 'seqLen', value: -1, allowed: 'a positive integer', reason: 'negative' }).message,
    );
    expect(InvalidArgumentError.isInstance(new SharedInvalidArgumentError({ field: 'f', value: 1, allowed: '2' }))).toBe(true);
  });
});
