// `tinylm arch`: the numbers of a model shape (report), the depth-first architecture search at a
// parameter budget (search), and config files for Hugging Face or InternEvo (emit).
import { archReport, formatArchReport, getPreset, toHfConfig } from '@tinylm/arch-config';
import { intFlag, parseFlags, UsageError } from '../args';
import { archSearch, SEARCH_USAGE } from './arch-search';
import type { CliIo } from '../io';
import type { Command } from './command';
import { CONFIG_FLAGS, configFromFlags } from './config-flags';
import { emitInternEvoFromFlags, INTERNEVO_FLAGS, INTERNEVO_USAGE, internEvoFlagGiven, internEvoOptionsFromFlags } from './internevo-flags';
import { showValue } from '@tinylm/errors';

const USAGE = [
  'tinylm arch (--preset NAME | --config FILE) [--seq N] [--batch N] [--json]',
  SEARCH_USAGE,
  'tinylm arch emit --format hf (--preset NAME | --config FILE)',
  INTERNEVO_USAGE,
].join('\n       ');

async function report(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...CONFIG_FLAGS, seq: { type: 'string' }, batch: { type: 'string' }, json: { type: 'boolean' } },
    USAGE,
  );
  const { config, name } = await configFromFlags(values);
  const options = {
    name,
    seqLen: values.seq === undefined ? undefined : intFlag('seq', values.seq),
    batch: values.batch === undefined ? undefined : intFlag('batch', values.batch),
  };
  io.out(values.json ? JSON.stringify(archReport(config, options)) : formatArchReport(config, options));
  return 0;
}

async function emit(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, { ...CONFIG_FLAGS, ...INTERNEVO_FLAGS, format: { type: 'string' } }, USAGE);
  const format = values.format;
  if (format !== 'hf' && format !== 'internevo') throw new UsageError(`--format must be hf or internevo, got ${showValue(format)}`);
  const { config } = await configFromFlags(values);
  if (format === 'hf') {
    const flag = internEvoFlagGiven(values);
    if (flag !== undefined) throw new UsageError(`--${flag} is for --format internevo only`, { field: `--${flag}` });
    io.out(JSON.stringify(toHfConfig(config), null, 2));
    return 0;
  }
  const mlpRatio = typeof values.preset === 'string' ? getPreset(values.preset).mlpRatio : undefined;
  io.out(emitInternEvoFromFlags(config, internEvoOptionsFromFlags(values, mlpRatio)));
  return 0;
}

export const archCommand: Command = {
  name: 'arch',
  summary: 'parameter / FLOP / memory report of a shape; depth-first architecture search; HF or InternEvo config emit',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    if (argv[0] === 'search') return archSearch(argv.slice(1), io);
    if (argv[0] === 'emit') return emit(argv.slice(1), io);
    return report(argv, io);
  },
};
