// tinylm's own training checkpoint format: the contract between @tinylm/multi-round-trainer (which
// writes it) and this package (which reads it). See README.md, "Training checkpoint format".
//
//   run/                              a training run
//     step-00001200/                  one checkpoint: "step-" + the step, zero-padded to 8 digits
//       config.json                   Hugging Face LlamaForCausalLM config (as saveHfModel writes it)
//       model.safetensors             the weights, F32, Hugging Face names (or shards + index)
//       optimizer.safetensors         optional: AdamW moments, F32, "m.<param name>" and "v.<param name>"
//       trainer_state.json            @tinylm/hf-io's TrainerState (trainer-checkpoint.ts: the folder
//                                       names, the state type and its one validator live there)
//       tokenizer.json, tokenizer_config.json, tokenizer.model, ...   optional tokenizer files
//
// A checkpoint folder is written under a temporary name and renamed when complete (hf-io's
// withTempDir), so a folder named step-N is either complete or damaged, never in progress.
// Converting a run picks the complete checkpoint with the highest step; damaged ones are skipped
// and reported. Layout modelled on Hugging Face transformers' Trainer checkpoints
// (checkpoint-N/ with trainer_state.json), with safetensors for the optimizer state as well.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fromHfConfig, type LlamaConfig } from '@tinylm/arch-config';
import {
  CHECKPOINT_DIR_PATTERN,
  type HfCheckpoint,
  listCheckpointDirs,
  openHfCheckpoint,
  openSafetensors,
  readTrainerState,
  TinylmError,
  type TrainerState,
} from '@tinylm/hf-io';
import { SourceCheckpointError } from './errors';
import { LM_HEAD, llamaParams } from './llama-params';
import type { ModelSource, SourceTensor } from './model-source';
import { hasTokenizer } from './tokenizer-files';

/** @deprecated Renamed to TrainerState (from @tinylm/hf-io, the contract's one home); the old name goes in 0.3. */
export type TrainerStateV1 = TrainerState;

/** One training checkpoint, validated by `readTrainingCheckpoint` (headers only, no weights read). */
export interface TrainingCheckpoint {
  readonly dir: string;
  readonly state: TrainerState;
  readonly config: LlamaConfig;
  /** Names of the optimizer tensors (`m.*`, `v.*`), empty without optimizer.safetensors. */
  readonly optimizerTensors: readonly string[];
  /** Whether the folder holds tokenizer files. */
  readonly hasTokenizer: boolean;
}

async function kind(path: string): Promise<'file' | 'dir' | 'none'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'none';
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new SourceCheckpointError({ message: `${path}: cannot read as JSON (${(error as Error).message})`, file: path, cause: error });
  }
}

/** A Hugging Face folder's config.json as a LlamaConfig; a SourceCheckpointError naming the file when it is missing or unreadable. */
export async function readFolderLlamaConfig(dir: string): Promise<{ config: LlamaConfig; attentionBias: boolean; configPath: string }> {
  const configPath = join(dir, 'config.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (error) {
    throw new SourceCheckpointError({
      message: `${configPath}: cannot read (${(error as Error).message}); a Hugging Face folder needs config.json`,
      file: configPath,
      cause: error,
    });
  }
  return { ...readLlamaConfig(json, configPath), configPath };
}

/** config.json -> LlamaConfig, accepting `attention_bias: true` (reported separately). */
export function readLlamaConfig(json: unknown, source: string): { config: LlamaConfig; attentionBias: boolean } {
  const o = json as Record<string, unknown>;
  const attentionBias = o != null && typeof o === 'object' && o.attention_bias === true;
  const config = fromHfConfig(attentionBias ? { ...o, attention_bias: false } : json, source);
  return { config, attentionBias };
}

/**
 * Checks the weights of a checkpoint against its config: every tensor the config implies is there
 * with the right shape and a floating-point dtype, and nothing else is. Throws `SourceCheckpointError`
 * naming the tensor, what the config implies, and the file.
 */
export function checkWeights(
  checkpoint: HfCheckpoint,
  config: LlamaConfig,
  attentionBias: boolean,
  dir: string,
  requireDtype?: string,
): string[] {
  const notes: string[] = [];
  const expected = llamaParams(config, attentionBias);
  const names = new Set(expected.map((p) => p.name));
  for (const p of expected) {
    if (!checkpoint.has(p.name)) {
      throw new SourceCheckpointError({
        message: `${dir}: tensor ${p.name} is missing (config.json implies it, shape [${p.shape}])`,
        file: dir,
        tensor: p.name,
      });
    }
    const info = checkpoint.info(p.name);
    if (info.shape.join() !== p.shape.join()) {
      throw new SourceCheckpointError({
        message: `${join(dir, info.file)}: tensor ${p.name} has shape [${info.shape}], but config.json implies [${p.shape}]`,
        file: join(dir, info.file),
        tensor: p.name,
      });
    }
    if (!['F32', 'F16', 'BF16'].includes(info.dtype) || (requireDtype && info.dtype !== requireDtype)) {
      throw new SourceCheckpointError({
        message: `${join(dir, info.file)}: tensor ${p.name} is ${info.dtype}; allowed: ${requireDtype ?? 'F32, F16, BF16'}`,
        file: join(dir, info.file),
        tensor: p.name,
      });
    }
  }
  const extra = checkpoint.tensors.map((t) => t.name).filter((n) => !names.has(n));
  const ignorable = extra.filter((n) => /\.rotary_emb\.inv_freq$/.test(n) || (n === LM_HEAD && config.tieWordEmbeddings));
  const unknown = extra.filter((n) => !ignorable.includes(n));
  if (unknown.length > 0) {
    throw new SourceCheckpointError({
      message: `${dir}: tensors that are not LlamaForCausalLM parameters of this config: ${unknown.slice(0, 8).join(', ')}${unknown.length > 8 ? `, ... (${unknown.length})` : ''}`,
      file: dir,
      tensor: unknown[0],
    });
  }
  if (ignorable.length > 0) notes.push(`ignored ${ignorable.join(', ')}`);
  return notes;
}

/**
 * Reads and validates one training checkpoint folder (`step-XXXXXXXX/`): trainer_state.json
 * (format, version, step matching the folder name), config.json, the model weights against the
 * config (F32), and optimizer.safetensors when present (exactly `m.<name>` and `v.<name>` for
 * every parameter, same shapes, F32). Only headers are read. Throws `SourceCheckpointError` naming the
 * file and what is wrong (hf-io's `HfFolderError` for a bad trainer_state.json: its validator is
 * the one the trainer runs on what it writes).
 */
export async function readTrainingCheckpoint(dir: string): Promise<TrainingCheckpoint> {
  if ((await kind(dir)) !== 'dir') throw new SourceCheckpointError({ message: `${dir}: not a folder`, file: dir });
  const statePath = join(dir, 'trainer_state.json');
  if ((await kind(statePath)) !== 'file')
    throw new SourceCheckpointError({ message: `${dir}: no trainer_state.json (incomplete checkpoint?)`, file: dir });
  const state = await readTrainerState(dir);
  const configPath = join(dir, 'config.json');
  if ((await kind(configPath)) !== 'file') throw new SourceCheckpointError({ message: `${dir}: no config.json`, file: dir });
  const { config, attentionBias } = readLlamaConfig(await readJson(configPath), configPath);
  const weights = await openHfCheckpoint(dir);
  let params: { name: string; shape: readonly number[] }[];
  try {
    checkWeights(weights, config, attentionBias, dir, 'F32');
    params = llamaParams(config, attentionBias);
  } finally {
    await weights.close();
  }
  const optimizerTensors: string[] = [];
  const optPath = join(dir, 'optimizer.safetensors');
  if ((await kind(optPath)) === 'file') {
    const opt = await openSafetensors(optPath);
    try {
      const wanted = new Map<string, readonly number[]>();
      for (const p of params) for (const moment of ['m', 'v']) wanted.set(`${moment}.${p.name}`, p.shape);
      for (const t of opt.tensors) {
        const shape = wanted.get(t.name);
        if (!shape) {
          throw new SourceCheckpointError({
            message: `${optPath}: ${t.name} is not m.<param> or v.<param> of a model parameter`,
            file: optPath,
            tensor: t.name,
          });
        }
        if (t.shape.join() !== shape.join() || t.dtype !== 'F32') {
          throw new SourceCheckpointError({
            message: `${optPath}: ${t.name} is ${t.dtype} [${t.shape}]; expected F32 [${shape}]`,
            file: optPath,
            tensor: t.name,
          });
        }
        optimizerTensors.push(t.name);
      }
      const missing = [...wanted.keys()].filter((n) => !opt.has(n));
      if (missing.length > 0) {
        throw new SourceCheckpointError({
          message: `${optPath}: missing optimizer moments ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? `, ... (${missing.length})` : ''}`,
          file: optPath,
          tensor: missing[0],
        });
      }
    } finally {
      await opt.close();
    }
  }
  return { dir, state, config, optimizerTensors, hasTokenizer: await hasTokenizer(dir) };
}

/** A checkpoint folder of a run that was passed over, and why. */
export interface SkippedCheckpoint {
  readonly dir: string;
  readonly reason: string;
}

/**
 * The complete checkpoint with the highest step in a run folder (`step-*` subfolders). Damaged
 * ones (any `readTrainingCheckpoint` error) are skipped and listed; folders with other names
 * (e.g. `step-00000100.tmp-1a2b3c`, a write in progress) are ignored. Throws `SourceCheckpointError`
 * when no complete checkpoint remains, listing why each was skipped.
 */
export async function findLatestCheckpoint(runDir: string): Promise<{ checkpoint: TrainingCheckpoint; skipped: SkippedCheckpoint[] }> {
  try {
    await readdir(runDir);
  } catch (error) {
    throw new SourceCheckpointError({
      message: `${runDir}: cannot read the run folder (${(error as Error).message})`,
      file: runDir,
      cause: error,
    });
  }
  const steps = await listCheckpointDirs(runDir);
  const skipped: SkippedCheckpoint[] = [];
  for (const { dir } of steps) {
    if ((await kind(dir)) !== 'dir') continue;
    try {
      return { checkpoint: await readTrainingCheckpoint(dir), skipped };
    } catch (error) {
      if (!TinylmError.isInstance(error)) throw error; // damaged: any tinylm error (hf-io, arch-config, this package)
      skipped.push({ dir, reason: (error as Error).message });
    }
  }
  throw new SourceCheckpointError({
    message: `${runDir}: no complete checkpoint (step-XXXXXXXX folder)${skipped.length ? `; skipped: ${skipped.map((s) => s.reason).join('; ')}` : ''}`,
    file: runDir,
  });
}

/** What `openTinylmModel` found at a path. */
export type TinylmPathKind = 'run' | 'checkpoint' | 'hf-folder';

/**
 * Opens a model that tinylm wrote, for conversion: a run folder (its latest complete checkpoint),
 * one checkpoint folder, or a plain Hugging Face folder as @tinylm/model's saveHfModel writes.
 * Optimizer and trainer state are dropped (listed in `notes`). Throws `SourceCheckpointError` for a
 * path that is none of these, and for weights that disagree with config.json.
 */
export async function openTinylmModel(
  path: string,
): Promise<ModelSource & { pathKind: TinylmPathKind; skipped: readonly SkippedCheckpoint[] }> {
  if ((await kind(path)) !== 'dir') throw new SourceCheckpointError({ message: `${path}: not a folder`, file: path });
  const notes: string[] = [];
  let dir = path;
  let pathKind: TinylmPathKind = 'hf-folder';
  let skipped: SkippedCheckpoint[] = [];
  let requireDtype: string | undefined;
  const isCheckpoint = (await kind(join(path, 'trainer_state.json'))) === 'file';
  const isRun = !isCheckpoint && (await readdir(path)).some((n) => CHECKPOINT_DIR_PATTERN.test(n));
  if (isRun || isCheckpoint) {
    const found = isRun ? await findLatestCheckpoint(path) : { checkpoint: await readTrainingCheckpoint(path), skipped: [] };
    dir = found.checkpoint.dir;
    skipped = found.skipped;
    pathKind = isRun ? 'run' : 'checkpoint';
    requireDtype = 'F32';
    const s = found.checkpoint.state;
    if (isRun) notes.push(`picked ${dir} (step ${s.step}), the latest complete checkpoint of the run`);
    for (const skip of skipped) notes.push(`skipped ${skip.dir}: ${skip.reason}`);
    notes.push(`dropped trainer state (step ${s.step}, round ${s.round}, data position, rng state)`);
    if (found.checkpoint.optimizerTensors.length > 0)
      notes.push(`dropped optimizer state (${found.checkpoint.optimizerTensors.length} AdamW moment tensors)`);
  } else if ((await kind(join(path, 'config.json'))) !== 'file') {
    throw new SourceCheckpointError({
      message: `${path}: not a tinylm model: expected a run folder (step-XXXXXXXX/ inside), a checkpoint folder (trainer_state.json) or a Hugging Face folder (config.json)`,
      file: path,
    });
  }
  const configPath = join(dir, 'config.json');
  const { config, attentionBias } = readLlamaConfig(await readJson(configPath), configPath);
  const weights = await openHfCheckpoint(dir);
  try {
    notes.push(...checkWeights(weights, config, attentionBias, dir, requireDtype));
    const tensors: SourceTensor[] = llamaParams(config, attentionBias).map((p) => {
      const info = weights.info(p.name);
      return {
        name: p.name,
        shape: p.shape,
        sourceDtype: info.dtype,
        read: () => weights.readTensorAsFloat32(p.name),
        readRaw: () => weights.readTensorBytes(p.name),
      };
    });
    return {
      kind: pathKind === 'hf-folder' ? 'hf-folder' : 'tinylm-checkpoint',
      path: dir,
      config,
      attentionBias,
      tensors,
      tokenizerDir: (await hasTokenizer(dir)) ? dir : undefined,
      notes,
      pathKind,
      skipped,
      close: () => weights.close(),
    };
  } catch (error) {
    await weights.close();
    throw error;
  }
}
