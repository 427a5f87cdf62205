// Errors of @tinylm/multi-round-trainer, one class per kind, each extending the one tinylm base,
// `TinylmError` from @tinylm/errors: `X.isInstance(e)` (inherited) recognises them across
// duplicate package copies, where `instanceof` fails.
import { TinylmError } from '@tinylm/errors';

/** Training data that cannot be used: missing, empty, too short, or not fitting the model. */
export class TrainingDataError extends TinylmError {
  static override readonly kind: string = 'TrainingDataError';

  constructor(message: string) {
    super(message);
  }
}

/** A NaN or infinite loss: the run stops, the last good checkpoint stays. */
export class TrainingDivergedError extends TinylmError {
  static override readonly kind: string = 'TrainingDivergedError';

  constructor(message: string) {
    super(message);
  }
}

/**
 * One of the trainer's own checkpoints (`step-NNNNNNNN/` in the output folder) cannot be resumed:
 * corrupt, or from a run with other settings, or the folder holds a run that was not asked to be
 * resumed. (Not convert2hf's `SourceCheckpointError`, about checkpoints to convert.)
 */
export class TrainerCheckpointError extends TinylmError {
  static override readonly kind: string = 'TrainerCheckpointError';

  constructor(message: string) {
    super(message);
  }
}

/** @deprecated Renamed to TrainerCheckpointError; the old name goes in 0.3. */
export const CheckpointError = TrainerCheckpointError;
/** @deprecated Renamed to TrainerCheckpointError; the old name goes in 0.3. */
export type CheckpointError = TrainerCheckpointError;
