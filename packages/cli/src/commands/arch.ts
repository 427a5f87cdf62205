// `tinylm arch`: the numbers of a model shape (report), the depth-first architecture search at a
// parameter budget (search), and config files for Hugging Face or InternEvo (emit).
import {
  archReport,
  formatArchReport,
  formatCount,
  formatFlops,
  formatPercent,
  getPreset,
  searchArchitectures,
  toHfConfig,
  toInternEvoConfig,
} from '@tinylm/arch-config';
import { intFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import type { Command } from './command';
import { CONFIG_FLAGS, configFromFlags } from './config-flags';

const USAGE = [
  'tinylm arch (--preset NAME | --config FILE) [--seq N] [--batch N] [--json]',
  'tinylm arch search --params N --vocab V [--tolerance 0.1] [--head-sizes 64,128] [--multiple-of 256] [--max-latency-ms X] [--limit 10] [--json]',
  'tinylm arch emit --format hf|internevo (--preset NAME | --config FILE)',
].join('\n       ');

function numberList(flag: string, value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  return String(value)
    .split(',')
    .map((s) => {
      const n = Number(s);
      if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag}: "${s}" is not a positive number`);
      return n;
    });
}

function positive(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a positive number, got "${String(value)}"`);
  return n;
}

async function report(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, { ...CONFIG_FLAGS, seq: { type: 'string' }, batch: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  const { config, name } = await configFromFlags(values);
  const options = {
    name,
    seqLen: values.seq === undefined ? undefined : intFlag('seq', values.seq),
    batch: values.batch === undefined ? undefined : intFlag('batch', values.batch),
  };
  io.out(values.json ? JSON.stringify(archReport(config, options)) : formatArchReport(config, options));
  return 0;
}

async function search(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      params: { type: 'string' },
      vocab: { type: 'string' },
      tolerance: { type: 'string' },
      'head-sizes': { type: 'string' },
      'multiple-of': { type: 'string' },
      'width-multiple': { type: 'string' },
      'max-latency-ms': { type: 'string' },
      'seq': { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  );
  const result = searchArchitectures({
    params: positive('params', values.params) ?? (() => { throw new UsageError('--params N is required'); })(),
    vocabSize: intFlag('vocab', values.vocab),
    tolerance: positive('tolerance', values.tolerance),
    headSizes: numberList('head-sizes', values['head-sizes']),
    multipleOf: values['multiple-of'] === undefined ? undefined : intFlag('multiple-of', values['multiple-of']),
    widthMultiple: values['width-multiple'] === undefined ? undefined : intFlag('width-multiple', values['width-multiple']),
    maxLatencyMs: positive('max-latency-ms', values['max-latency-ms']),
    seqLen: values.seq === undefined ? undefined : intFlag('seq', values.seq),
    limit: intFlag('limit', values.limit, 10),
  });
  if (values.json) {
    io.out(JSON.stringify(result));
    return 0;
  }
  io.out(`budget ${formatCount(result.budget)} ±${formatPercent(result.tolerance)}: ${result.withinBudget} shapes within budget, ${result.rejectedByLatency} over the latency bound; deepest first`);
  io.out('layers  hidden  heads  kv  ffn     params    emb share  train FLOPs/token  latency ms');
  for (const c of result.candidates) {
    const k = c.config;
    io.out(
      `${String(k.numLayers).padStart(6)}  ${String(k.hiddenSize).padStart(6)}  ${String(k.numHeads).padStart(5)}  ${String(k.numKvHeads).padStart(2)}  ` +
        `${String(k.intermediateSize).padEnd(6)}  ${formatCount(c.params).padStart(8)}  ${formatPercent(c.embeddingShare).padStart(9)}  ` +
        `${formatFlops(c.trainingFlopsPerToken).padStart(17)}  ${c.latencyMs.toFixed(3).padStart(10)}`,
    );
  }
  return 0;
}

async function emit(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, { ...CONFIG_FLAGS, format: { type: 'string' } }, USAGE);
  const format = values.format;
  if (format !== 'hf' && format !== 'internevo') throw new UsageError(`--format must be hf or internevo, got "${String(format)}"`);
  const { config } = await configFromFlags(values);
  const mlpRatio = typeof values.preset === 'string' ? getPreset(values.preset).mlpRatio : undefined;
  io.out(format === 'hf' ? JSON.stringify(toHfConfig(config), null, 2) : toInternEvoConfig(config, { mlpRatio }));
  return 0;
}

export const archCommand: Command = {
  name: 'arch',
  summary: 'parameter / FLOP / memory report of a shape; depth-first architecture search; HF or InternEvo config emit',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    if (argv[0] === 'search') return search(argv.slice(1), io);
    if (argv[0] === 'emit') return emit(argv.slice(1), io);
    return report(argv, io);
  },
};
