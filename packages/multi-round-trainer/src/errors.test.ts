// Tests of errors.ts: the trainer's kinds on the shared TinylmError, the renamed checkpoint error
// and its deprecated alias (errors from another copy of the package: test/error-kinds.test.ts, for
// every class).
import { TinylmError } from '@tinylm/errors';
import { describe, expect, it } from 'vitest';
import { CheckpointError, TrainerCheckpointError, TrainingDataError, TrainingDivergedError } from './errors';

const classes = [TrainingDataError, TrainingDivergedError, TrainerCheckpointError];

describe('trainer error classes', () => {
  it('each kind is recognised by its own isInstance and by TinylmError.isInstance, not by the others', () => {
    classes.forEach((C, i) => {
      const error = new C(`error ${i}`);
      expect(TinylmError.isInstance(error)).toBe(true);
      expect([error.name, error.kind, error.message]).toEqual([C.name, C.name, `error ${i}`]);
      classes.forEach((other, j) => expect(other.isInstance(error), `${other.name}.isInstance(${C.name})`).toBe(i === j));
    });
  });

  it('CheckpointError is the deprecated name of TrainerCheckpointError, not convert2hf kind', () => {
    expect(CheckpointError).toBe(TrainerCheckpointError);
    expect(new CheckpointError('run/step-00000008: corrupt').kind).toBe('TrainerCheckpointError');
    const sourceKind = Object.assign(new Error('x'), {
      [Symbol.for('tinylm.error')]: true,
      [Symbol.for('tinylm.error.SourceCheckpointError')]: true,
    });
    expect(TrainerCheckpointError.isInstance(sourceKind)).toBe(false);
  });
});
