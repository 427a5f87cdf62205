// Errors of @tinylm/multi-round-trainer: one class per kind, recognisable across package copies
// through the shared `Symbol.for('tinylm.error')` marker (see @tinylm/kernels' TinylmError).
import { TinylmError } from '@tinylm/kernels';

/** Training data that cannot be used: missing, empty, too short, or not fitting the model. */
export class TrainingDataError extends TinylmError {
  constructor(message: string) {
    super('training-data', message);
    this.name = 'TrainingDataError';
  }

  static override isInstance(error: unknown): error is TrainingDataError {
    return TinylmError.isInstance(error) && error.kind === 'training-data';
  }
}

/** A NaN or infinite loss: the run stops, the last good checkpoint stays. */
export class TrainingDivergedError extends TinylmError {
  constructor(message: string) {
    super('training-diverged', message);
    this.name = 'TrainingDivergedError';
  }

  static override isInstance(error: unknown): error is TrainingDivergedError {
    return TinylmError.isInstance(error) && error.kind === 'training-diverged';
  }
}

/** A checkpoint that cannot be resumed: corrupt, or from a run with other settings. */
export class CheckpointError extends TinylmError {
  constructor(message: string) {
    super('checkpoint', message);
    this.name = 'CheckpointError';
  }

  static override isInstance(error: unknown): error is CheckpointError {
    return TinylmError.isInstance(error) && error.kind === 'checkpoint';
  }
}
