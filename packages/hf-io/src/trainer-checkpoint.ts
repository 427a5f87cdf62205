// The trainer-checkpoint contract between @tinylm/multi-round-trainer (which writes checkpoints)
// and @tinylm/convert2hf (which reads them): the folder names and `trainer_state.json`.
//
//   run/                          a training run
//     step-00001200/              one checkpoint: "step-" + the step, zero-padded to at least 8 digits
//       config.json               Hugging Face LlamaForCausalLM config
//       model.safetensors         the weights, F32, Hugging Face names
//       optimizer.safetensors     optional: AdamW moments "m.<param>" / "v.<param>", F32
//       trainer_state.json        TrainerState below
//
// Pure code (no Node I/O), so it is also exported from `@tinylm/hf-io/bytes`; the folder reads are
// in trainer-checkpoint-files.ts. Layout modelled on transformers' Trainer checkpoints
// (checkpoint-N/ with trainer_state.json).

import { HfFolderError } from './errors';
import { MAX_JSON_DEPTH, showPath, showValue, tooDeepAt } from '@tinylm/errors';

/** `trainer_state.json`'s `format`. */
export const TRAINER_STATE_FORMAT = 'tinylm-checkpoint';
/** The `version` of the format written and read. */
export const TRAINER_STATE_VERSION = 1;
/** The name of the state file inside a checkpoint folder. */
export const TRAINER_STATE_FILE = 'trainer_state.json';
/** Checkpoint folder names: `step-` and the step, zero-padded to at least 8 digits (more above 99,999,999). */
export const CHECKPOINT_DIR_PATTERN = /^step-(\d{8,})$/;
/** What an interrupted write leaves beside the checkpoints (`step-*.tmp-*`, `step-*.old-*`, from withTempDir). */
export const CHECKPOINT_LEFTOVER_PATTERN = /^step-\d{8,}\.(tmp|old)-/;

/**
 * `trainer_state.json`, version 1. `data_position` and `rng_state` are trainer-defined JSON;
 * the trainer's own fields are listed as optional, and fields beyond these are allowed and kept.
 */
export interface TrainerState<DataPosition = unknown, RngState = unknown> {
  readonly format: typeof TRAINER_STATE_FORMAT;
  readonly version: typeof TRAINER_STATE_VERSION;
  /** Optimizer steps completed; equals the number in the folder name. */
  readonly step: number;
  /** Multi-round training: the round in progress (the trainer counts from 1). */
  readonly round: number;
  /** Where the data stream resumes. */
  readonly data_position: DataPosition;
  /** Random generator state to resume with. */
  readonly rng_state: RngState;
  /** The run settings a resume must share. */
  readonly settings?: Record<string, unknown>;
  /** Adam's step count (bias correction). */
  readonly optimizerStep?: number;
  /** Seconds of training before this checkpoint. */
  readonly elapsed?: number;
  readonly [key: string]: unknown;
}

/** The folder name of the checkpoint at `step` (e.g. `step-00001200`). */
export function checkpointDirName(step: number): string {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new HfFolderError({ message: `checkpoint step must be an integer >= 0, got ${showValue(step)}`, field: 'step' });
  }
  return `step-${String(step).padStart(8, '0')}`;
}

/** The step a checkpoint folder name stands for (`step-00001200` -> 1200), or undefined for other names. */
export function checkpointStepOf(name: string): number | undefined {
  const match = CHECKPOINT_DIR_PATTERN.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Checks a parsed trainer_state.json against version 1; returns it typed. With `expectedStep`
 * (the step of its folder's name) the state's step must match. The writer runs it on what it
 * writes and on resume, the converter on what it reads. Throws `HfFolderError` naming the file,
 * the field, its value and what is allowed (a newer version is named as such).
 */
export function validateTrainerState(value: unknown, file = TRAINER_STATE_FILE, expectedStep?: number): TrainerState {
  const bad = (field: string, why: string): never => {
    throw new HfFolderError({ message: `${file}: ${field} ${why}`, file, field });
  };
  if (value == null || typeof value !== 'object' || Array.isArray(value)) bad('(the whole file)', 'must be a JSON object');
  // The trainer compares and prints these fields (settings, data position) with recursive walks.
  const deep = tooDeepAt(value);
  if (deep) bad(showPath(deep), `nests deeper than ${MAX_JSON_DEPTH} levels; a trainer state nests fewer than 10`);
  const state = value as Record<string, unknown>;
  if (state.format !== TRAINER_STATE_FORMAT) bad('format', `is ${showValue(state.format)}; expected "${TRAINER_STATE_FORMAT}"`);
  if (state.version !== TRAINER_STATE_VERSION) {
    const newer = typeof state.version === 'number' && state.version > TRAINER_STATE_VERSION ? ' (written by a newer tinylm: upgrade)' : '';
    bad('version', `is ${showValue(state.version)}; this reader understands version ${TRAINER_STATE_VERSION}${newer}`);
  }
  const counts = ['step', 'round', ...('optimizerStep' in state ? ['optimizerStep'] : [])];
  for (const field of counts) {
    if (!Number.isSafeInteger(state[field]) || (state[field] as number) < 0)
      bad(field, `is ${showValue(state[field])}; expected an integer >= 0`);
  }
  for (const field of ['data_position', 'rng_state']) if (!(field in state)) bad(field, 'is missing');
  if ('settings' in state && (state.settings == null || typeof state.settings !== 'object' || Array.isArray(state.settings))) {
    bad('settings', `is ${showValue(state.settings)}; expected a JSON object`);
  }
  if ('elapsed' in state && !(typeof state.elapsed === 'number' && Number.isFinite(state.elapsed) && state.elapsed >= 0)) {
    bad('elapsed', `is ${showValue(state.elapsed)}; expected seconds >= 0`);
  }
  if (expectedStep !== undefined && state.step !== expectedStep)
    bad('step', `is ${state.step} but the folder is named for step ${expectedStep}`);
  return state as TrainerState;
}
