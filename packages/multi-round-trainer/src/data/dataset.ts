// Packed training data: every file's ids concatenated (EOS between files when the tokenizer has
// one) and cut into fixed-length sequences of seqLen + 1 ids (inputs and next-token targets
// overlap by one, as nanoGPT does). The last `valFraction` of the sequences, or separate
// validation files, form the held-out set.
import type { Tokenizer } from '@tinylm/tokenizer-prune';
import { TrainingDataError } from '../errors';
import { type ReadTokensOptions, readTokenFile } from './token-files';
import { parseOptions } from '@tinylm/errors';
import { loadDataOptions } from '../options';

export interface PackedData {
  /** Concatenated ids. */
  ids: Uint32Array;
  seqLen: number;
  /** Number of sequences of seqLen + 1 ids (non-overlapping windows that share one boundary id). */
  sequences: number;
  /** UTF-8 bytes per id on average, when the text is known (for bits per byte). */
  bytesPerToken?: number;
}

export interface LoadDataOptions extends ReadTokensOptions {
  seqLen: number;
  /** Model vocabulary size: every id must be below it. */
  vocabSize: number;
}

/** Sequence i: ids[i*T .. i*T + T] (T + 1 ids). */
export function sequenceAt(data: PackedData, i: number): Uint32Array {
  const start = i * data.seqLen;
  return data.ids.subarray(start, start + data.seqLen + 1);
}

export async function loadPacked(files: readonly string[], options: LoadDataOptions): Promise<PackedData> {
  options = parseOptions(loadDataOptions, options, 'loadPacked');
  if (files.length === 0) throw new TrainingDataError('no data files given');
  const docs = [];
  for (const f of files) docs.push({ file: f, ...(await readTokenFile(f, { tokenizer: options.tokenizer, binDtype: options.binDtype })) });
  const eos = options.tokenizer?.eosId ?? null;
  const total = docs.reduce((n, d) => n + d.ids.length, 0) + (eos === null ? 0 : docs.length - 1);
  const ids = new Uint32Array(total);
  let at = 0;
  docs.forEach((d, i) => {
    if (i > 0 && eos !== null) ids[at++] = eos;
    ids.set(d.ids, at);
    at += d.ids.length;
  });
  for (const d of docs) {
    const bad = d.ids.find((id) => id >= options.vocabSize);
    if (bad !== undefined) {
      throw new TrainingDataError(
        `${d.file}: token id ${bad} is outside the model's vocabulary (${options.vocabSize}); the tokenizer or token file does not fit the model`,
      );
    }
  }
  const sequences = Math.floor((ids.length - 1) / options.seqLen);
  if (sequences < 1) {
    throw new TrainingDataError(`${files.join(', ')}: ${ids.length} tokens are too few for one sequence of ${options.seqLen} + 1 tokens`);
  }
  const known = docs.every((d) => d.bytes !== undefined);
  const bytes = docs.reduce((n, d) => n + (d.bytes ?? 0), 0);
  return { ids, seqLen: options.seqLen, sequences, bytesPerToken: known && ids.length > 0 ? bytes / ids.length : undefined };
}

/** Splits off the last `fraction` of the sequences (at least one each side) as held-out data. */
export function splitHeldOut(data: PackedData, fraction: number): { train: PackedData; val: PackedData } {
  if (!(fraction > 0 && fraction < 1)) throw new TrainingDataError(`valFraction must be in (0, 1), got ${fraction}`);
  const valSeqs = Math.max(1, Math.round(data.sequences * fraction));
  const trainSeqs = data.sequences - valSeqs;
  if (trainSeqs < 1) {
    throw new TrainingDataError(`${data.sequences} sequence(s) of ${data.seqLen} tokens cannot be split into training and held-out data`);
  }
  const cut = trainSeqs * data.seqLen;
  return {
    train: { ...data, ids: data.ids.subarray(0, cut + 1), sequences: trainSeqs },
    val: { ...data, ids: data.ids.subarray(cut), sequences: valSeqs },
  };
}

export type { Tokenizer };
