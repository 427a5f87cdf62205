// Held-out evaluation: mean next-token loss (nats), perplexity, and bits per byte
// (loss / ln 2 / bytes-per-token: comparable across tokenizers, the metric of the
// reproduction ladder).
import type { Tokenizer } from '@tinylm/tokenizer-prune';
import type { LlamaModel } from '@tinylm/model';
import { type PackedData, sequenceAt } from './data/dataset';
import { sequenceLosses } from './refine';
import { parseOptions } from '@tinylm/errors';
import { evaluateOptions } from './options';

export interface EvalResult {
  loss: number;
  perplexity: number;
  /** Null when bytes per token are unknown (token files without a tokenizer). */
  bitsPerByte: number | null;
  tokens: number;
  bytesPerToken: number | null;
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Evaluate at most this many sequences (the first ones); default all. */
  maxSequences?: number;
  /** Sequences per forward pass; default 8. */
  chunk?: number;
  /** The tokenizer, for bytes per token (bits per byte) when `bytesPerToken` is not given. */
  tokenizer?: Tokenizer;
  /** UTF-8 bytes per token; `null` to report no bits per byte. */
  bytesPerToken?: number | null;
}

/**
 * UTF-8 bytes per token of the first `sequences` sequences: from decoding them when a tokenizer
 * is given, else the data's own average (text inputs), else null.
 */
export function bytesPerTokenOf(data: PackedData, sequences: number, tokenizer?: Tokenizer): number | null {
  if (tokenizer) {
    let bytes = 0;
    for (let i = 0; i < sequences; i++) {
      bytes += Buffer.byteLength(tokenizer.decode(Array.from(sequenceAt(data, i).subarray(1)), { skipSpecialTokens: false }), 'utf8');
    }
    return bytes / (sequences * data.seqLen);
  }
  return data.bytesPerToken ?? null;
}

export async function evaluate(model: LlamaModel, data: PackedData, options: EvaluateOptions = {}): Promise<EvalResult> {
  options = parseOptions(evaluateOptions, options, 'evaluate');
  const n = Math.min(data.sequences, options.maxSequences ?? data.sequences);
  const seqs = Uint32Array.from({ length: n }, (_, i) => i);
  const losses = await sequenceLosses(model, data, seqs, options.chunk ?? 8);
  const loss = losses.reduce((a, b) => a + b, 0) / n;
  const bpt = options.bytesPerToken !== undefined ? options.bytesPerToken : bytesPerTokenOf(data, n, options.tokenizer);
  return {
    loss,
    perplexity: Math.exp(loss),
    bitsPerByte: bpt ? loss / Math.LN2 / bpt : null,
    tokens: n * data.seqLen,
    bytesPerToken: bpt,
  };
}
