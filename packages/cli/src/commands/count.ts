// `tinylm count`: token counts of a big tokenizer over a corpus (the paper's step 1), a thin
// wrapper over @tinylm/tokenizer-prune's countTokens; `--merge` sums count files made with the
// same tokenizer (step 2). Progress with throughput and ETA goes to stderr: one updating line on
// a TTY, a plain line every 10 s otherwise.
import {
  type CountProgress,
  countTokens,
  mergeTokenCounts,
  readTokenCounts,
  type TokenCounts,
  writeTokenCounts,
} from '@tinylm/tokenizer-prune';
import { intFlag, parseFlags, UsageError } from '../args';
import { type CliIo, processIo } from '../io';
import type { Command } from './command';
import { showValue } from '@tinylm/errors';

const USAGE =
  'tinylm count --tokenizer PATH --input FILES... --out counts.json [--workers N] [--pretokenized] ' +
  '[--format auto|text|jsonl|tokens] [--text-field NAME] [--json]\n' +
  '       tinylm count --merge COUNTS.json... --out counts.json [--json]';

const FORMATS = ['auto', 'text', 'jsonl', 'tokens'] as const;

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function progressLine(p: CountProgress): string {
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const eta = p.done ? 'done' : p.etaMs === null ? 'ETA --' : `ETA ${clock(p.etaMs)}`;
  return (
    `count ${mb(p.bytesDone)}/${mb(p.bytesTotal)} MB  ${p.mbPerSecond.toFixed(2)} MB/s  ` +
    `${p.tokens.toLocaleString('en-US')} tokens  ${clock(p.elapsedMs)} elapsed  ${eta}`
  );
}

/** Reports progress on stderr: an updating line on a TTY, plain lines otherwise. */
function progressReporter(io: CliIo): { onProgress: (p: CountProgress) => void; intervalMs: number } {
  const tty = io.err === processIo.err && process.stderr.isTTY === true;
  if (tty) {
    return {
      intervalMs: 250,
      onProgress: (p) => process.stderr.write(`\r${progressLine(p)}\x1b[K${p.done ? '\n' : ''}`),
    };
  }
  return { intervalMs: 10_000, onProgress: (p) => io.err(progressLine(p)) };
}

function summary(counts: TokenCounts, out: string, seconds: number | null): string {
  const distinct = Object.keys(counts.counts).length;
  const rate = seconds && counts.bytes ? `, ${(counts.bytes / 1e6 / seconds).toFixed(2)} MB/s` : '';
  return (
    `${counts.total.toLocaleString('en-US')} tokens (${distinct.toLocaleString('en-US')} distinct of ` +
    `${counts.tokenizer.vocabSize.toLocaleString('en-US')}) in ${counts.documents.toLocaleString('en-US')} lines/records` +
    `${seconds === null ? '' : ` in ${seconds.toFixed(1)} s${rate}`} -> ${out}`
  );
}

export const countCommand: Command = {
  name: 'count',
  summary: 'count how often each token of a tokenizer occurs in a corpus (text, JSONL, or tokenized JSONL)',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values, positionals } = parseFlags(
      argv,
      {
        tokenizer: { type: 'string' },
        input: { type: 'string', multiple: true },
        out: { type: 'string' },
        workers: { type: 'string' },
        pretokenized: { type: 'boolean' },
        format: { type: 'string' },
        'text-field': { type: 'string' },
        merge: { type: 'string', multiple: true },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    const out = values.out as string | undefined;
    if (!out) throw new UsageError(`--out is required\nusage: ${USAGE}`);
    const merge = values.merge as string[] | undefined;
    if (merge) {
      const files = [...merge, ...positionals];
      const merged = mergeTokenCounts(await Promise.all(files.map((f) => readTokenCounts(f))), files);
      await writeTokenCounts(out, merged);
      io.out(
        values.json ? JSON.stringify({ out, merged: files, total: merged.total, tokenizer: merged.tokenizer }) : summary(merged, out, null),
      );
      return 0;
    }
    const tokenizer = values.tokenizer as string | undefined;
    if (!tokenizer) throw new UsageError(`--tokenizer is required\nusage: ${USAGE}`);
    const inputs = [...((values.input as string[] | undefined) ?? []), ...positionals];
    if (inputs.length === 0) throw new UsageError(`--input is required\nusage: ${USAGE}`);
    const format = (values.format as string | undefined) ?? (values.pretokenized ? 'tokens' : 'auto');
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got ${showValue(format)}`);
    }
    if (values.pretokenized && format !== 'tokens') throw new UsageError('--pretokenized means --format tokens');
    const workers = values.workers === undefined ? undefined : intFlag('workers', values.workers, undefined, 0);
    const progress = progressReporter(io);
    const started = performance.now();
    const counts = await countTokens({
      tokenizer,
      inputs,
      out,
      workers,
      format: format as (typeof FORMATS)[number],
      textField: values['text-field'] as string | undefined,
      onProgress: progress.onProgress,
      progressIntervalMs: progress.intervalMs,
    });
    const seconds = (performance.now() - started) / 1000;
    if (values.json) {
      io.out(
        JSON.stringify({
          out,
          tokenizer: counts.tokenizer,
          total: counts.total,
          distinct: Object.keys(counts.counts).length,
          documents: counts.documents,
          bytes: counts.bytes,
          seconds,
          mbPerSecond: counts.bytes / 1e6 / seconds,
        }),
      );
    } else {
      io.out(summary(counts, out, seconds));
    }
    return 0;
  },
};
