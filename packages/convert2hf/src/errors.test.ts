// Tests of errors.ts: convert2hf's kinds on the shared TinylmError, the renamed checkpoint error
// and its deprecated alias (errors from another copy of the package: test/error-kinds.test.ts, for
// every class).
import { TinylmError } from '@tinylm/errors';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  CheckpointWriteError,
  GgufExportError,
  PickleFormatError,
  SourceCheckpointError,
  UnsafePickleError,
  ZipFormatError,
} from './index';

const classes = [UnsafePickleError, PickleFormatError, ZipFormatError, SourceCheckpointError, GgufExportError, CheckpointWriteError];

describe('convert2hf error classes', () => {
  it('each kind is recognised by its own isInstance and by TinylmError.isInstance, not by the others', () => {
    classes.forEach((C, i) => {
      const error = new C({ message: `error ${i}`, file: 'model_tp0_pp0.pt', tensor: 'tok_embeddings.weight' });
      expect(TinylmError.isInstance(error)).toBe(true);
      expect([error.name, error.kind, error.message, error.file, error.tensor]).toEqual([
        C.name,
        C.name,
        `error ${i}`,
        'model_tp0_pp0.pt',
        'tok_embeddings.weight',
      ]);
      classes.forEach((other, j) => expect(other.isInstance(error), `${other.name}.isInstance(${C.name})`).toBe(i === j));
    });
    expect(new UnsafePickleError({ message: 'refused', global: 'os.system' }).global).toBe('os.system');
  });

  it('CheckpointError is the deprecated name of SourceCheckpointError, not the trainer checkpoint kind', () => {
    expect(CheckpointError).toBe(SourceCheckpointError);
    const error = new CheckpointError({ message: 'no complete step folder', file: 'run' });
    expect(error.kind).toBe('SourceCheckpointError');
    expect(SourceCheckpointError.isInstance(error)).toBe(true);
    const trainerKind = Object.assign(new Error('x'), {
      [Symbol.for('tinylm.error')]: true,
      [Symbol.for('tinylm.error.TrainerCheckpointError')]: true,
    });
    expect(SourceCheckpointError.isInstance(trainerKind)).toBe(false);
  });
});
