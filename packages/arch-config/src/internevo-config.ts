// `toInternEvoConfig`: the first InternEvo emitter's API (options of configs/LLM1B.py, `ckptType`
// named as InternEvo v0.3 names it), kept for its callers and now a thin layer over
// `emitInternEvoConfig` (internevo-emit.ts) for InternEvo v0.3, the authors' line. New code
// should call `emitInternEvoConfig`, which also takes the InternEvo version, the rotary layout
// and the parallel layout.

import type { LlamaConfig } from './config';
import { parseOptions } from '@tinylm/errors';
import { emitChecked, type InternEvoEmitOptions, type InternEvoTrainingOptions } from './internevo-emit';
import type { InternEvoCkptKind } from './internevo-versions';
import { internEvoConfigOptions } from './options';

/** Options of `toInternEvoConfig`; defaults are those of configs/LLM1B.py. */
export interface InternEvoConfigOptions extends InternEvoTrainingOptions {
  /**
   * Weights to start from (MODEL_ONLY_FOLDER), e.g. "local:/data/pruned-hf". When set,
   * load_given_ckpt=True; when absent the job trains from scratch (load_ckpt_info=None).
   */
  modelOnlyFolder?: string;
  /**
   * ckpt_type of `modelOnlyFolder`, as InternEvo v0.3 names it: "hf_llama" (default here: a
   * Hugging Face folder; v0.3 reads only its pytorch_model*.bin), "internlm" (InternEvo shards) or
   * "llama" (Meta's files).
   */
  ckptType?: 'hf_llama' | 'internlm' | 'llama';
  /** Default "local:llm_ckpts". */
  saveCkptFolder?: string;
  /** Default 50. */
  checkpointEvery?: number;
  /** TRAIN_FOLDER (InternEvo tokenized data); default None. */
  trainFolder?: string;
  /** VALID_FOLDER; default None. */
  validFolder?: string;
  /** Default 1000. */
  validEvery?: number;
  /** ZeRO-1 group size; default 8. */
  zero1Size?: number;
  /** Force this MLP_RATIO (must reproduce intermediateSize); default: the simplest fraction that does. */
  mlpRatio?: number;
}

/**
 * Python source of an InternEvo v0.3 config file for `config` (see `emitInternEvoConfig`).
 * Throws `InternEvoExportError` when inexpressible, `InvalidArgumentError` for an option out of range.
 */
export function toInternEvoConfig(config: LlamaConfig, options: InternEvoConfigOptions = {}): string {
  const { ckptType, ...rest } = parseOptions(internEvoConfigOptions, options, 'toInternEvoConfig');
  const emit: InternEvoEmitOptions = { ...rest, internevoVersion: 'v0.3' };
  if (rest.modelOnlyFolder !== undefined) emit.loadCkptType = V03_KIND[ckptType ?? 'hf_llama'];
  return emitChecked(config, emit);
}

// InternEvo v0.3's CheckpointLoadType names and the kinds emitInternEvoConfig takes.
const V03_KIND: Record<NonNullable<InternEvoConfigOptions['ckptType']>, InternEvoCkptKind> = {
  hf_llama: 'hf',
  internlm: 'internevo',
  llama: 'llama',
};
