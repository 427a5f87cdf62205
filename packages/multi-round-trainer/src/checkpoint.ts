// Training checkpoints, written to the contract of @tinylm/hf-io's trainer-checkpoint.ts (the
// folder names, trainer_state.json's type and its one validator, which @tinylm/convert2hf reads
// with too): a run folder holds `step-XXXXXXXX/` folders, each written atomically (a temporary
// sibling renamed into place) with
//   config.json            Hugging Face LlamaForCausalLM config of the model
//   model.safetensors      F32 weights under transformers' names
//   optimizer.safetensors  AdamW moments as `m.<name>` / `v.<name>`
//   trainer_state.json     { format: "tinylm-checkpoint", version: 1, step, round, data_position, ... }
// The newest `keep` are kept. Loading falls back to an older checkpoint when the newest is
// unreadable, and says so.
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { toHfConfig } from '@tinylm/arch-config';
import {
  CHECKPOINT_LEFTOVER_PATTERN,
  checkpointDirName,
  type TrainerState as CheckpointState,
  listCheckpointDirs,
  openSafetensors,
  readTrainerState,
  tempSiblingPath,
  TRAINER_STATE_FILE,
  TRAINER_STATE_FORMAT,
  TRAINER_STATE_VERSION,
  type TensorSource,
  validateTrainerState,
  withTempDir,
  writeSafetensors,
} from '@tinylm/hf-io';
import type { AdamW } from '@tinylm/kernels';
import { loadHfModel, type LlamaModel, paramSpecs } from '@tinylm/model';
import { TrainerCheckpointError } from './errors';

export { checkpointDirName, listCheckpointDirs as listCheckpoints };

/** @deprecated Renamed to TRAINER_STATE_FORMAT (from @tinylm/hf-io, the contract's home); the old name goes in 0.3. */
export const CHECKPOINT_FORMAT = TRAINER_STATE_FORMAT;

/** Where the data resumes: micro-batches of this round already consumed, and the sequences a refined round (rounds >= 2) trains on, in order. */
export interface TrainerDataPosition {
  micro_batch: number;
  selection?: number[];
}

/** Randomness is counter-based: (seed, purpose, counter) -> stream; nothing else to save. */
export interface TrainerRngState {
  seed: number;
  scheme: 'counter';
}

/** What this trainer records: hf-io's TrainerState with its data position and rng state, and the settings and Adam step it always writes. */
export type TrainerState = CheckpointState<TrainerDataPosition, TrainerRngState> & {
  /** The run settings a resume must share, compared field by field. */
  readonly settings: Record<string, unknown>;
  /** Adam's step count (bias correction). */
  readonly optimizerStep: number;
};

/** The part of the state the training loop supplies to `saveCheckpoint`. */
export type CheckpointContent = Pick<TrainerState, 'step' | 'round' | 'data_position' | 'rng_state' | 'settings' | 'elapsed'>;

/** Removes temporary folders a killed run left behind (`step-*.tmp-*`, `step-*.old-*`). */
export async function removeStaleTemps(runDir: string): Promise<void> {
  for (const n of await readdir(runDir).catch(() => [] as string[])) {
    if (CHECKPOINT_LEFTOVER_PATTERN.test(n)) await rm(join(runDir, n), { recursive: true, force: true });
  }
}

export async function saveCheckpoint(
  runDir: string,
  model: LlamaModel,
  optimizer: AdamW,
  state: CheckpointContent,
  keep: number,
): Promise<string> {
  const dir = join(runDir, checkpointDirName(state.step));
  const opt = optimizer.getState();
  try {
    await withTempDir(
      dir,
      async (tmp) => {
        const params: TensorSource[] = paramSpecs(model.config).map((s) => ({
          name: s.name,
          dtype: 'F32',
          shape: s.shape,
          data: async () => (await model.params.get(s.name)!.data()) as Float32Array,
        }));
        await writeSafetensors(join(tmp, 'model.safetensors'), params);
        const moments: TensorSource[] = [];
        for (const [prefix, map] of [
          ['m', opt.m],
          ['v', opt.v],
        ] as const) {
          for (const [name, t] of Object.entries(map)) {
            moments.push({ name: `${prefix}.${name}`, dtype: 'F32', shape: t.shape, data: async () => (await t.data()) as Float32Array });
          }
        }
        await writeSafetensors(join(tmp, 'optimizer.safetensors'), moments);
        const full: TrainerState = { format: TRAINER_STATE_FORMAT, version: TRAINER_STATE_VERSION, ...state, optimizerStep: opt.step };
        const json: unknown = JSON.parse(JSON.stringify(full));
        validateTrainerState(json, join(dir, TRAINER_STATE_FILE), state.step); // the reader's check, on what is written
        await writeFile(join(tmp, 'config.json'), `${JSON.stringify(toHfConfig(model.config), null, 2)}\n`);
        await writeFile(join(tmp, TRAINER_STATE_FILE), `${JSON.stringify(json)}\n`);
      },
      { force: true },
    );
  } finally {
    tf.dispose([...Object.values(opt.m), ...Object.values(opt.v)]);
  }
  for (const old of (await listCheckpointDirs(runDir)).slice(Math.max(1, keep))) {
    // renamed out of the checkpoint names first: a kill part-way through the deletion leaves a
    // `step-*.old-*` leftover that the next start removes, never a half-deleted `step-*` folder
    const doomed = tempSiblingPath(old.dir, 'old');
    await rename(old.dir, doomed);
    await rm(doomed, { recursive: true, force: true });
  }
  return dir;
}

export interface LoadedCheckpoint {
  dir: string;
  state: TrainerState;
  model: LlamaModel;
  /** Adam moments by parameter name; the caller owns them. */
  m: Record<string, tf.Tensor>;
  v: Record<string, tf.Tensor>;
}

/** Whether a valid trainer_state.json has the fields this trainer writes and resumes from. */
function isTrainerState(state: CheckpointState): state is TrainerState {
  const position = state.data_position as Partial<TrainerDataPosition> | null;
  return (
    state.settings !== undefined && state.optimizerStep !== undefined && position != null && Number.isSafeInteger(position.micro_batch)
  );
}

async function loadOne(dir: string): Promise<LoadedCheckpoint> {
  const state = await readTrainerState(dir);
  if (!isTrainerState(state)) {
    throw new TrainerCheckpointError(
      `${join(dir, TRAINER_STATE_FILE)}: not written by this trainer (needs settings, optimizerStep and data_position.micro_batch)`,
    );
  }
  const model = await loadHfModel(dir);
  const m: Record<string, tf.Tensor> = {};
  const v: Record<string, tf.Tensor> = {};
  try {
    const file = await openSafetensors(join(dir, 'optimizer.safetensors'));
    try {
      for (const t of file.tensors) {
        const [prefix, ...rest] = t.name.split('.');
        const target = prefix === 'm' ? m : prefix === 'v' ? v : undefined;
        if (!target) throw new TrainerCheckpointError(`${dir}/optimizer.safetensors: unexpected tensor ${t.name}`);
        target[rest.join('.')] = tf.tensor(await file.readTensorAsFloat32(t.name), [...t.shape], 'float32');
      }
    } finally {
      await file.close();
    }
  } catch (e) {
    model.dispose();
    tf.dispose([...Object.values(m), ...Object.values(v)]);
    throw e;
  }
  return { dir, state, model, m, v };
}

/**
 * The newest readable checkpoint of `runDir`, or undefined when there is none. A corrupt newer
 * one is skipped with a warning through `warn` (never silently).
 */
export async function loadLatestCheckpoint(runDir: string, warn: (message: string) => void): Promise<LoadedCheckpoint | undefined> {
  const all = await listCheckpointDirs(runDir);
  for (let i = 0; i < all.length; i++) {
    try {
      return await loadOne(all[i].dir);
    } catch (e) {
      const next = all[i + 1];
      warn(
        `checkpoint ${all[i].dir} is unreadable (${(e as Error).message.split('\n')[0]}); ` +
          (next ? `falling back to ${next.dir}` : 'no older checkpoint to fall back to'),
      );
    }
  }
  return undefined;
}
