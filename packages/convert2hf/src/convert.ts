// convert2hf: one call from a checkpoint to a Hugging Face folder. The source is a model tinylm
// wrote (a training run, one checkpoint, or a saveHfModel folder) or an InternEvo checkpoint
// folder (model_tp*_pp*.pt); the output is written by `writeHfModel`. This is what
// `tinylm convert2hf --src PATH --out DIR` runs; it plays the part of the PanGu-π Pro authors'
// tools/transformers/convert2hf.py (docs/method.md, section 6).

import { readdir } from 'node:fs/promises';
import { OutputExistsError, pathExists } from '@tinylm/hf-io';
import { SourceCheckpointError } from './errors';
import { type WriteHfModelOptions, type WrittenHfModel, writeHfModel } from './hf-export';
import { type InternEvoOptions, readInternEvoCheckpoint } from './internevo-checkpoint';
import type { ModelSource } from './model-source';
import { openTinylmModel } from './tinylm-checkpoint';
import { parseOptions } from '@tinylm/errors';
import { convert2hfOptions } from './options';

/** Where a checkpoint comes from. */
export type SourceFormat = 'tinylm' | 'internevo';

/** Options for `convert2hf`. */
export interface Convert2HfOptions extends WriteHfModelOptions {
  /** A tinylm run / checkpoint / model folder, or an InternEvo checkpoint folder. */
  src: string;
  /** The Hugging Face folder to write. */
  out: string;
  /** The source format; default: `internevo` when `src` holds model_tp*_pp*.pt files, else `tinylm`. */
  from?: SourceFormat;
  /** InternEvo-specific options (model config values, rotary layout, ...). */
  internevo?: InternEvoOptions;
}

/** What `convert2hf` did. */
export interface Convert2HfResult {
  readonly from: SourceFormat;
  /** The folder the weights were read from (for a run: the checkpoint picked). */
  readonly source: string;
  readonly written: WrittenHfModel;
  /** What was read, picked, skipped and dropped along the way. */
  readonly notes: readonly string[];
}

/** Detects the source format of `src`: InternEvo when it holds model_tp{t}_pp{p}.pt shards. */
export async function detectSourceFormat(src: string): Promise<SourceFormat> {
  try {
    return (await readdir(src)).some((n) => /^model_tp\d+_pp\d+\.pt$/.test(n)) ? 'internevo' : 'tinylm';
  } catch (error) {
    throw new SourceCheckpointError({ message: `${src}: cannot read (${(error as Error).message})`, file: src, cause: error });
  }
}

/** Opens `src` as a model source of the given (or detected) format. Call `close()` when done. */
export async function openModelSource(src: string, from?: SourceFormat, internevo?: InternEvoOptions): Promise<ModelSource> {
  const format = from ?? (await detectSourceFormat(src));
  if (format !== 'tinylm' && format !== 'internevo') {
    throw new SourceCheckpointError({
      message: `from ${JSON.stringify(format)} is not allowed; allowed: tinylm, internevo`,
      field: 'from',
    });
  }
  return format === 'internevo' ? readInternEvoCheckpoint(src, internevo) : openTinylmModel(src);
}

/**
 * Converts a checkpoint to a Hugging Face LLaMA folder (see the file header and `writeHfModel`).
 * Training state (optimizer moments, round, data position, rng) is dropped. Throws
 * `SourceCheckpointError` for an inconsistent or incomplete source, `OutputExistsError` when `out`
 * exists without `force`, and the reader errors for corrupt files; nothing half-written is left.
 */
export async function convert2hf(options: Convert2HfOptions): Promise<Convert2HfResult> {
  const opts = parseOptions(convert2hfOptions, options, 'convert2hf');
  if (!opts.force && (await pathExists(opts.out))) {
    throw new OutputExistsError({ message: `${opts.out} already exists; pass force: true (--force) to replace it`, file: opts.out });
  }
  const from = opts.from ?? (await detectSourceFormat(opts.src));
  const source = await openModelSource(opts.src, from, opts.internevo);
  try {
    const { dtype, maxShardSize, tokenizer, allowMissingTokenizer, force } = opts;
    const written = await writeHfModel(source, opts.out, { dtype, maxShardSize, tokenizer, allowMissingTokenizer, force });
    const notes = [...source.notes];
    if (written.paddingRows > 0)
      notes.push(`the embedding has ${written.paddingRows} rows beyond the tokenizer's ${written.tokenizer?.size} ids (padding)`);
    return { from, source: source.path, written, notes };
  } finally {
    await source.close();
  }
}
