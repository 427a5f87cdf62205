// Training checkpoints, the contract @tinylm/convert2hf reads: a run folder holds `step-XXXXXXXX/`
// folders, each written atomically (a temporary sibling renamed into place) with
//   config.json            Hugging Face LlamaForCausalLM config of the model
//   model.safetensors      F32 weights under transformers' names
//   optimizer.safetensors  AdamW moments as `m.<name>` / `v.<name>`
//   trainer_state.json     { format: "tinylm-checkpoint", version: 1, step, round, position, ... }
// The newest `keep` are kept. Loading falls back to an older checkpoint when the newest is
// unreadable, and says so.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { toHfConfig } from '@tinylm/arch-config';
import { openSafetensors, type TensorSource, withTempDir, writeSafetensors } from '@tinylm/hf-io';
import type { AdamW } from '@tinylm/kernels';
import { loadHfModel, type LlamaModel, paramSpecs } from '@tinylm/model';
import { CheckpointError } from './errors';

export const CHECKPOINT_FORMAT = 'tinylm-checkpoint';
const STEP_DIR = /^step-(\d{8})$/;

/** What a checkpoint records besides the tensors; `settings` must match for a resume. */
export interface TrainerState {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  /** Optimizer steps taken. */
  step: number;
  /** The round being trained (1-based). */
  round: number;
  /** Where the data resumes: micro-batches of this round already consumed, and the sequences a
   * refined round (rounds >= 2) trains on, in order. */
  data_position: { micro_batch: number; selection?: number[] };
  /** Randomness is counter-based: (seed, purpose, counter) -> stream; nothing else to save. */
  rng_state: { seed: number; scheme: 'counter' };
  /** The run settings a resume must share, compared field by field. */
  settings: Record<string, unknown>;
  /** Adam's step count (bias correction). */
  optimizerStep: number;
  /** Seconds of training before this checkpoint (elapsed_s continues from it). */
  elapsed?: number;
}

export const checkpointDirName = (step: number) => `step-${String(step).padStart(8, '0')}`;

/** Checkpoint folders of a run, newest first. */
export async function listCheckpoints(runDir: string): Promise<{ step: number; dir: string }[]> {
  const names = await readdir(runDir).catch(() => [] as string[]);
  return names
    .map((n) => ({ m: STEP_DIR.exec(n), n }))
    .filter((x) => x.m)
    .map((x) => ({ step: Number(x.m![1]), dir: join(runDir, x.n) }))
    .sort((a, b) => b.step - a.step);
}

/** Removes temporary folders a killed run left behind (`step-*.tmp-*`). */
export async function removeStaleTemps(runDir: string): Promise<void> {
  for (const n of await readdir(runDir).catch(() => [] as string[])) {
    if (/^step-\d{8}\.(tmp|old)-/.test(n)) await rm(join(runDir, n), { recursive: true, force: true });
  }
}

export async function saveCheckpoint(
  runDir: string,
  model: LlamaModel,
  optimizer: AdamW,
  state: Omit<TrainerState, 'format' | 'version' | 'optimizerStep'>,
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
        for (const [prefix, map] of [['m', opt.m], ['v', opt.v]] as const) {
          for (const [name, t] of Object.entries(map)) {
            moments.push({ name: `${prefix}.${name}`, dtype: 'F32', shape: t.shape, data: async () => (await t.data()) as Float32Array });
          }
        }
        await writeSafetensors(join(tmp, 'optimizer.safetensors'), moments);
        const full: TrainerState = { format: CHECKPOINT_FORMAT, version: 1, ...state, optimizerStep: opt.step };
        const { writeFile } = await import('node:fs/promises');
        await writeFile(join(tmp, 'config.json'), `${JSON.stringify(toHfConfig(model.config), null, 2)}\n`);
        await writeFile(join(tmp, 'trainer_state.json'), `${JSON.stringify(full)}\n`);
      },
      { force: true },
    );
  } finally {
    tf.dispose([...Object.values(opt.m), ...Object.values(opt.v)]);
  }
  for (const old of (await listCheckpoints(runDir)).slice(Math.max(1, keep))) await rm(old.dir, { recursive: true, force: true });
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

async function loadOne(dir: string): Promise<LoadedCheckpoint> {
  const state = JSON.parse(await readFile(join(dir, 'trainer_state.json'), 'utf8')) as TrainerState;
  if (state.format !== CHECKPOINT_FORMAT || state.version !== 1) {
    throw new CheckpointError(`${dir}/trainer_state.json: not a ${CHECKPOINT_FORMAT} version 1 file`);
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
        if (!target) throw new CheckpointError(`${dir}/optimizer.safetensors: unexpected tensor ${t.name}`);
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
  const all = await listCheckpoints(runDir);
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
