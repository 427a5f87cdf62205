// The Node side of the trainer-checkpoint contract (trainer-checkpoint.ts): listing a run's
// checkpoint folders and reading a checkpoint's trainer_state.json through the one validator.

import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HfFolderError } from './errors';
import { checkpointStepOf, TRAINER_STATE_FILE, type TrainerState, validateTrainerState } from './trainer-checkpoint';

/** A checkpoint folder of a run. */
export interface CheckpointDir {
  readonly step: number;
  readonly dir: string;
}

/** The `step-*` entries of `runDir`, newest first; none when the folder cannot be read. Leftovers of interrupted writes are not listed. */
export async function listCheckpointDirs(runDir: string): Promise<CheckpointDir[]> {
  const names = await readdir(runDir).catch(() => [] as string[]);
  return names
    .map((name) => ({ step: checkpointStepOf(name), dir: join(runDir, name) }))
    .filter((entry): entry is CheckpointDir => entry.step !== undefined)
    .sort((a, b) => b.step - a.step);
}

/**
 * Reads and validates `<dir>/trainer_state.json`; when the folder is named `step-N`, the state's
 * step must be N. Throws `HfFolderError` naming the file (missing, not JSON, or a bad field).
 */
export async function readTrainerState(dir: string): Promise<TrainerState> {
  const file = join(dir, TRAINER_STATE_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new HfFolderError({ message: `${file}: cannot read as JSON (${(error as Error).message})`, file, cause: error });
  }
  return validateTrainerState(json, file, checkpointStepOf(basename(dir)));
}
