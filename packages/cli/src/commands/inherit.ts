// `tinylm inherit --from DIR --to CONFIG_OR_PRESET --out DIR`: a small model initialised from a
// large pretrained one (PanGu-π Pro parameter inheritance). A thin wrapper over
// @tinylm/param-inherit's inheritParams; the report lands in DIR/inherit-report.json. With
// `--format internevo` DIR holds the student twice: `hf/` (Hugging Face) and `internevo/`
// (InternEvo shards model_tp{t}_pp{p}.pt for the chosen split), committed together.
import { join } from 'node:path';
import { configFromPresetOrFile } from '@tinylm/arch-config';
import type { WrittenInternEvo } from '@tinylm/convert2hf';
import { withTempDir } from '@tinylm/hf-io';
import { inheritParams, LAYER_CRITERIA, type LayerCriterion, WIDTH_CRITERIA, type WidthCriterion } from '@tinylm/param-inherit';
import { choiceFlag, intFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { clock, statusLine } from '../progress';
import { BACKEND_FLAG, startBackend } from './backend-flag';
import type { Command } from './command';
import { dtypeFlag } from './dtype-flag';
import {
  INTERNEVO_EXPORT_FLAGS,
  INTERNEVO_EXPORT_USAGE,
  internEvoExportOptions,
  reportInternEvo,
  writeInternEvoFromFlags,
} from './internevo-export';

const USAGE =
  'tinylm inherit --from DIR --to CONFIG_OR_PRESET --out DIR [--vocab-map FILE] [--tokenizer DIR] ' +
  '[--layers uniform|first-last|block-influence|learned] [--keep-first N] [--width l1|l2|activation|taylor|learned] ' +
  '[--calib FILES] [--calib-tokenizer bytes|DIR] [--calib-seq N] [--calib-samples N] [--calib-batch N] [--calib-token-dtype uint16|uint32] ' +
  '[--steps N] [--train-weights] [--dtype float32|float16|bfloat16] [--max-shard-size 5GB] [--force] [--json] [--backend NAME] [--threads N] ' +
  `[--format hf|internevo] [InternEvo: ${INTERNEVO_EXPORT_USAGE}]`;

/** `--calib a.txt,b.jsonl --calib c.bin` -> [a.txt, b.jsonl, c.bin]. */
function files(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export const inheritCommand: Command = {
  name: 'inherit',
  summary: 'initialise a smaller model from a large pretrained Hugging Face folder (layers, heads, neurons, channels, vocabulary)',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(
      argv,
      {
        ...BACKEND_FLAG,
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        'vocab-map': { type: 'string' },
        tokenizer: { type: 'string' },
        layers: { type: 'string' },
        'keep-first': { type: 'string' },
        width: { type: 'string' },
        calib: { type: 'string', multiple: true },
        'calib-tokenizer': { type: 'string' },
        'calib-seq': { type: 'string' },
        'calib-samples': { type: 'string' },
        'calib-batch': { type: 'string' },
        'calib-token-dtype': { type: 'string' },
        steps: { type: 'string' },
        'train-weights': { type: 'boolean' },
        dtype: { type: 'string' },
        'max-shard-size': { type: 'string' },
        format: { type: 'string' },
        ...INTERNEVO_EXPORT_FLAGS,
        force: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    for (const flag of ['from', 'to', 'out'] as const) {
      if (!values[flag]) throw new UsageError(`--${flag} is required\nusage: ${USAGE}`);
    }
    const layers = choiceFlag<LayerCriterion>('layers', values.layers, LAYER_CRITERIA);
    const width = choiceFlag<WidthCriterion>('width', values.width, WIDTH_CRITERIA);
    const dtype = dtypeFlag(values.dtype);
    const tokenDtype = choiceFlag('calib-token-dtype', values['calib-token-dtype'], ['uint16', 'uint32'] as const);
    const calib = files(values.calib);
    const opt = (name: string, min = 1) => (values[name] === undefined ? undefined : intFlag(name, values[name], undefined, min));
    // every numeric flag is checked before the target config is read
    const numbers = {
      keepFirst: opt('keep-first', 0),
      seqLen: opt('calib-seq'),
      samples: opt('calib-samples'),
      batchSize: opt('calib-batch'),
      steps: opt('steps', 0),
    };
    const format = choiceFlag('format', values.format, ['hf', 'internevo'] as const) ?? 'hf';
    const shardOptions = format === 'internevo' ? { ...internEvoExportOptions(values), force: false } : undefined;
    const exportFlag = Object.keys(INTERNEVO_EXPORT_FLAGS).find((f) => values[f] !== undefined);
    if (!shardOptions && exportFlag) throw new UsageError(`--${exportFlag} applies to --format internevo only`);
    const out = values.out as string;
    const hfDir = shardOptions ? join(out, 'hf') : out;
    const to = await configFromPresetOrFile(values.to as string);
    const dataDriven = ['block-influence', 'learned'].includes(layers ?? '') || ['activation', 'taylor', 'learned'].includes(width ?? '');
    if (dataDriven) await startBackend(values, io, Boolean(values.json));
    const status = statusLine(io);
    const t0 = Date.now();
    let [phase, phaseStart] = ['', t0];
    const inherit = (dir: string, force: boolean) =>
      inheritParams({
        from: values.from as string,
        to,
        out: dir,
        vocabMap: values['vocab-map'] as string | undefined,
        tokenizerDir: values.tokenizer as string | undefined,
        layers,
        keepFirst: numbers.keepFirst,
        width,
        calibration:
          calib.length > 0
            ? {
                files: calib,
                tokenizer: values['calib-tokenizer'] as string | undefined,
                seqLen: numbers.seqLen,
                samples: numbers.samples,
                batchSize: numbers.batchSize,
                tokenDtype,
              }
            : undefined,
        learned: { steps: numbers.steps, trainWeights: Boolean(values['train-weights']) },
        dtype,
        maxShardSize: values['max-shard-size'] as string | undefined,
        force,
        onProgress: (p) => {
          if (values.json) return;
          if (p.done !== undefined && p.total !== undefined) {
            if (p.done === 1 || phase !== p.phase) [phase, phaseStart] = [p.phase, Date.now()];
            const eta = ((Date.now() - phaseStart) / p.done) * (p.total - p.done);
            status.update(`${p.phase}: ${p.done}/${p.total} ${p.message}, ETA ${clock(eta)}`, p.done === p.total);
          } else status.final(`${p.phase}: ${p.message}`);
        },
      });
    let shards: WrittenInternEvo | undefined;
    let result: Awaited<ReturnType<typeof inheritParams>>;
    if (shardOptions) {
      // both folders are built in one temporary folder and renamed into place together
      [result, shards] = await withTempDir(
        out,
        async (temp) => {
          const inherited = await inherit(join(temp, 'hf'), false);
          return [inherited, await writeInternEvoFromFlags(join(temp, 'hf'), join(temp, 'internevo'), shardOptions)] as const;
        },
        { force: Boolean(values.force) },
      );
      shards = { ...shards, dir: join(out, 'internevo') };
    } else result = await inherit(out, Boolean(values.force));
    const r = result.report;
    if (values.json) {
      io.out(
        JSON.stringify({
          dir: hfDir,
          internevo: shards ?? null,
          files: result.written.files,
          criteria: r.criteria,
          layers: r.layers.kept,
          target: r.target,
          timing: r.timing,
          notes: r.notes,
        }),
      );
      return 0;
    }
    status.final(`wrote ${hfDir} in ${clock(Date.now() - t0)}`);
    io.out(`inherited ${r.target.parameters.toLocaleString('en-US')} parameters from ${r.source.dir} -> ${hfDir}`);
    io.out(`  layers ${r.criteria.layers}: kept ${JSON.stringify(r.layers.kept)} of ${r.source.config.numLayers as number}`);
    const [s, t] = [r.source.config as Record<string, number>, r.target.config as Record<string, number>];
    const of = (k: string) => `${t[k]}/${s[k]}`;
    io.out(
      `  width ${r.criteria.width}: heads ${of('numHeads')} (KV ${of('numKvHeads')}), FFN ${of('intermediateSize')}, hidden ${of('hiddenSize')}, vocabulary ${of('vocabSize')}`,
    );
    for (const note of r.notes) io.out(`  note: ${note}`);
    io.out(`  report: ${hfDir}/inherit-report.json`);
    if (shards) reportInternEvo(io, shards, hfDir);
    return 0;
  },
};
