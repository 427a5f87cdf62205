// countTokens: how often each token of a big tokenizer occurs over a corpus (the paper's step 1,
// section 1 of docs/method.md). The main thread streams the files as batches of whole lines (memory
// stays flat whatever the corpus size) and hands them to worker threads, each holding its own
// tokenizer and count array, at most two batches in flight per worker; the arrays are summed at
// the end. Text is encoded by the tokenizer the `Tokenizer` runtime loads (tokenizers.js for
// tokenizer.json, our exact SentencePiece port for .model).

import { availableParallelism } from 'node:os';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from '@tinylm/hf-io';
import { type BatchTotals, countBatch } from './count-batch';
import { arrayToCounts, type CorpusFormat, type CountSource, type TokenCounts, writeTokenCounts } from './count-file';
import type { CountWorkerInit, CountWorkerReply, CountWorkerRequest } from './count-worker';
import { type CorpusBatch, DEFAULT_BATCH_BYTES, readLineBatches } from './corpus-reader';
import { corpusFormatOf } from './corpus-records';
import { CorpusError, TokenizerFormatError } from './errors';
import { tokenizerFromSource } from './tokenizer';
import { readTokenizerSource, type TokenizerSource, tokenizerKindOf } from './tokenizer-source';
import { parseOptions } from '@tinylm/errors';
import { countTokensOptions } from './options';

/** Progress of a count, reported every `progressIntervalMs` and once at the end. */
export interface CountProgress {
  /** Bytes of the input files counted so far. */
  bytesDone: number;
  /** Total size of the input files. */
  bytesTotal: number;
  tokens: number;
  documents: number;
  elapsedMs: number;
  /** Throughput so far, in MB (10^6 bytes) of input per second. */
  mbPerSecond: number;
  /** Estimated time left, or null before there is a rate. */
  etaMs: number | null;
  /** The file being read. */
  file: string;
  done: boolean;
}

/** Options of `countTokens`. */
export interface CountTokensOptions {
  /** The tokenizer: tokenizer.json, SentencePiece .model, or a folder holding one. */
  tokenizer: string;
  /** Corpus files. */
  inputs: readonly string[];
  /**
   * How to read the inputs: `text` (one line = one unit), `jsonl` (records with a text field),
   * `tokens` (InternEvo tokenized JSONL, ids counted as they are), or `auto` (default):
   * `.jsonl` / `.ndjson` / `.json` files are jsonl, others text.
   */
  format?: CorpusFormat | 'auto';
  /** JSONL field with the text. Default "text". */
  textField?: string;
  /** JSONL field with the token ids. Default "tokens". */
  tokensField?: string;
  /**
   * Worker threads. Default: the machine's available parallelism, at most 8. 0 counts in the
   * calling thread (no workers).
   */
  workers?: number;
  /** Bytes of lines per batch sent to a worker. Default 256 KiB. */
  batchBytes?: number;
  /** Write the count file here (atomically). */
  out?: string;
  onProgress?: (progress: CountProgress) => void;
  /** How often `onProgress` is called. Default 500 ms. */
  progressIntervalMs?: number;
}

/** The built worker script next to this module (or in dist/ when running from source). */
function workerScript(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../dist/count-worker.js', here)
    : new URL(here.endsWith('.cjs') ? './count-worker.cjs' : './count-worker.js', here);
  const path = fileURLToPath(url);
  if (!existsSync(path)) {
    throw new InvalidArgumentError({
      message: `count workers need the built worker script ${path}; build @tinylm/tokenizer-prune (npm run build) or pass workers: 0`,
      field: 'workers',
    });
  }
  return path;
}

interface Sink {
  /** Processes one batch (possibly later); resolves when another batch may be sent. */
  submit(batch: CorpusBatch, file: string, format: CorpusFormat): Promise<void>;
  /** Waits for all batches and returns the summed counts. */
  finish(): Promise<Float64Array>;
  /** Stops everything after an error. */
  abort(): Promise<void>;
  totals: BatchTotals;
  /** Input bytes of the batches counted so far. */
  processed: number;
}

function inlineSink(source: TokenizerSource, options: Required<Pick<CountTokensOptions, 'textField' | 'tokensField'>>): Sink {
  const tokenizer = tokenizerFromSource(source);
  const counts = new Float64Array(source.vocabSize);
  const totals: BatchTotals = { tokens: 0, documents: 0, bytes: 0 };
  const encode = (text: string) => tokenizer.encode(text);
  const sink: Sink = {
    totals,
    processed: 0,
    async submit(batch, file, format) {
      const t = countBatch({ format, ...options, vocabSize: source.vocabSize, encode }, counts, batch.bytes, file, batch.firstLine);
      totals.tokens += t.tokens;
      totals.documents += t.documents;
      totals.bytes += t.bytes;
      sink.processed += batch.bytes.length;
    },
    finish: async () => counts,
    abort: async () => undefined,
  };
  return sink;
}

function rebuildError(reply: Extract<CountWorkerReply, { type: 'error' }>): Error {
  const options = { message: reply.message, file: reply.file, field: reply.field };
  if (reply.name === 'CorpusError') return new CorpusError(options);
  if (reply.name === 'TokenizerFormatError') return new TokenizerFormatError(options);
  const e = new Error(reply.message);
  e.name = reply.name;
  return e;
}

async function workerSink(
  source: TokenizerSource,
  count: number,
  options: Required<Pick<CountTokensOptions, 'textField' | 'tokensField'>>,
): Promise<Sink> {
  const script = workerScript();
  const init: CountWorkerInit = {
    tokenizerPath: source.path,
    hash: source.hash,
    vocabSize: source.vocabSize,
    textField: options.textField,
    tokensField: options.tokensField,
  };
  const totals: BatchTotals = { tokens: 0, documents: 0, bytes: 0 };
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  let processed = 0;
  interface Slot {
    worker: Worker;
    /** Sizes of the batches sent and not yet counted, oldest first (a worker answers in order). */
    pending: number[];
    inFlight: number;
    ready: boolean;
    counts: Float64Array | null;
  }
  const slots: Slot[] = [];
  for (let i = 0; i < count; i++) {
    const worker = new Worker(script, { workerData: init });
    const slot: Slot = { worker, pending: [], inFlight: 0, ready: false, counts: null };
    worker.on('message', (m: CountWorkerReply) => {
      if (m.type === 'ready') slot.ready = true;
      else if (m.type === 'done') {
        slot.inFlight--;
        processed += slot.pending.shift() ?? 0;
        totals.tokens += m.tokens;
        totals.documents += m.documents;
        totals.bytes += m.bytes;
      } else if (m.type === 'counts') slot.counts = m.counts;
      else failure ??= rebuildError(m);
      notify();
    });
    worker.on('error', (e) => {
      failure ??= e;
      notify();
    });
    worker.on('exit', (code) => {
      if (!slot.counts) failure ??= new Error(`a count worker exited early (code ${code})`);
      notify();
    });
    slots.push(slot);
  }
  const waitUntil = async (ok: () => boolean) => {
    while (!ok()) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure) throw failure;
  };
  const maxInFlight = 2;
  return {
    totals,
    get processed() {
      return processed;
    },
    async submit(batch, file, format) {
      let slot: Slot | undefined;
      await waitUntil(() => {
        slot = slots.filter((s) => s.ready && s.inFlight < maxInFlight).sort((a, b) => a.inFlight - b.inFlight)[0];
        return slot !== undefined;
      });
      // A compact copy (Buffer#slice would share memory), so transferring it detaches no
      // buffer the reader still uses.
      const bytes = new Uint8Array(batch.bytes.length);
      bytes.set(batch.bytes);
      slot!.inFlight++;
      slot!.pending.push(bytes.length);
      slot!.worker.postMessage({ type: 'batch', bytes, file, firstLine: batch.firstLine, format } satisfies CountWorkerRequest, [
        bytes.buffer,
      ]);
    },
    async finish() {
      await waitUntil(() => slots.every((s) => s.ready && s.inFlight === 0));
      for (const s of slots) s.worker.postMessage({ type: 'finish' } satisfies CountWorkerRequest);
      await waitUntil(() => slots.every((s) => s.counts !== null));
      const sum = new Float64Array(source.vocabSize);
      for (const s of slots) {
        const c = s.counts!;
        for (let i = 0; i < sum.length; i++) sum[i] += c[i];
      }
      await Promise.all(slots.map((s) => s.worker.terminate()));
      return sum;
    },
    async abort() {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

/**
 * Counts how often each id of `options.tokenizer` occurs in `options.inputs` and returns the
 * count file contents (also written to `options.out` when given, atomically). Throws
 * `CorpusError` for a missing or unreadable input, a bad JSONL line (naming the file and line),
 * an id outside the vocabulary, or an empty corpus; `TokenizerFormatError` for the tokenizer.
 */
export async function countTokens(options: CountTokensOptions): Promise<TokenCounts> {
  options = parseOptions(countTokensOptions, options, 'countTokens');
  const workers = options.workers ?? Math.min(8, availableParallelism());
  if (!Number.isInteger(workers) || workers < 0) {
    throw new InvalidArgumentError({ message: `workers must be an integer >= 0, got ${workers}`, field: 'workers' });
  }
  if (options.inputs.length === 0) {
    throw new CorpusError({ message: 'no input files given: the corpus is empty', field: 'inputs' });
  }
  const fields = { textField: options.textField ?? 'text', tokensField: options.tokensField ?? 'tokens' };
  const source = await readTokenizerSource(options.tokenizer);
  const sources: CountSource[] = [];
  for (const path of options.inputs) {
    let size: number;
    try {
      const s = await stat(path);
      if (!s.isFile()) throw new Error('not a regular file');
      size = s.size;
    } catch (error) {
      throw new CorpusError({ message: `${path}: cannot read (${(error as Error).message})`, file: path, cause: error });
    }
    sources.push({ path, format: corpusFormatOf(path, options.format), bytes: size });
  }
  const bytesTotal = sources.reduce((a, s) => a + s.bytes, 0);
  const started = performance.now();
  let current = sources[0].path;
  let lastReport = 0;
  const interval = options.progressIntervalMs ?? 500;
  const sink = workers === 0 ? inlineSink(source, fields) : await workerSink(source, workers, fields);
  const report = (done: boolean) => {
    if (!options.onProgress) return;
    const now = performance.now();
    if (!done && now - lastReport < interval) return;
    lastReport = now;
    const elapsedMs = now - started;
    const bytesDone = done ? bytesTotal : sink.processed;
    const rate = elapsedMs > 0 ? bytesDone / elapsedMs : 0; // bytes per ms
    options.onProgress({
      bytesDone,
      bytesTotal,
      tokens: sink.totals.tokens,
      documents: sink.totals.documents,
      elapsedMs,
      mbPerSecond: rate / 1000,
      etaMs: done ? 0 : rate > 0 ? (bytesTotal - bytesDone) / rate : null,
      file: current,
      done,
    });
  };
  let dense: Float64Array;
  try {
    for (let i = 0; i < sources.length; i++) {
      current = sources[i].path;
      const batches = readLineBatches(sources[i].path, i, options.batchBytes ?? DEFAULT_BATCH_BYTES);
      for await (const batch of batches) {
        await sink.submit(batch, sources[i].path, sources[i].format);
        report(false);
      }
    }
    dense = await sink.finish();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  report(true);
  const total = sink.totals.tokens;
  if (total === 0) {
    throw new CorpusError({
      message: `the corpus is empty: no tokens in ${options.inputs.join(', ')}`,
      file: options.inputs[0],
    });
  }
  const result: TokenCounts = {
    format: 'tinylm-token-counts',
    version: 1,
    tokenizer: { hash: source.hash, path: source.path, vocabSize: source.vocabSize, kind: tokenizerKindOf(source) },
    total,
    documents: sink.totals.documents,
    bytes: sink.totals.bytes,
    sources,
    counts: arrayToCounts(dense),
  };
  if (options.out) await writeTokenCounts(options.out, result);
  return result;
}
