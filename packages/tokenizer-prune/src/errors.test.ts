// Errors are recognised by marker, not by class identity: a second copy of the package (or
// the shared TinylmError.isInstance, re-exported by hf-io and this package) still recognises them.

import { TinylmError as SharedTinylmError } from '@tinylm/errors';
import { describe, expect, it } from 'vitest';
import { TinylmError } from './index';
import { CorpusError, CountFileError, TokenizerFormatError, TokenizerMismatchError, VocabSizeError } from './errors';

describe('error classes', () => {
  it('each kind is recognised by its own isInstance and by TinylmError.isInstance, not by the others', () => {
    const errors = [
      new TokenizerFormatError({ message: 'a', file: 'x.json' }),
      new CorpusError({ message: 'b', file: 'c.txt', field: 'line 3' }),
      new CountFileError({ message: 'c' }),
      new TokenizerMismatchError({ message: 'd' }),
      new VocabSizeError({ message: 'e', minimum: 3, maximum: 9 }),
    ];
    const classes = [TokenizerFormatError, CorpusError, CountFileError, TokenizerMismatchError, VocabSizeError];
    errors.forEach((e, i) => {
      expect(TinylmError.isInstance(e)).toBe(true);
      classes.forEach((C, j) => expect(C.isInstance(e)).toBe(i === j));
      expect(e.name).toBe(classes[i].name);
      expect(e.kind).toBe(classes[i].name);
    });
    expect(TinylmError).toBe(SharedTinylmError);
    expect(errors[1]).toMatchObject({ file: 'c.txt', field: 'line 3' });
    expect(errors[4]).toMatchObject({ minimum: 3, maximum: 9 });
  });

  it('recognises an error from another copy of the package through its Symbol.for marker', () => {
    const foreign = Object.assign(new Error('from a second copy'), {
      [Symbol.for('tinylm.error')]: true,
      [Symbol.for('tinylm.error.CorpusError')]: true,
    });
    expect(CorpusError.isInstance(foreign)).toBe(true);
    expect(TokenizerFormatError.isInstance(foreign)).toBe(false);
    expect(CorpusError.isInstance(new Error('plain'))).toBe(false);
  });
});
