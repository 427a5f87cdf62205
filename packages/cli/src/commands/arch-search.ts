// `tinylm arch search`: the depth-first architecture search at a parameter budget (arch-config's
// searchArchitectures), optionally restricted to shapes a teacher can initialise (--inside), with
// the first shape written as a Hugging Face config.json (--out). When no shape fits, it says which
// constraint removed the candidates and what to loosen, and exits 1.
import { writeFile } from 'node:fs/promises';
import {
  type ArchCandidate,
  configFromPresetOrFile,
  formatCount,
  formatFlops,
  formatPercent,
  searchArchitectures,
  type SearchOptions,
  toHfConfig,
} from '@tinylm/arch-config';
import { showValue } from '@tinylm/errors';
import { intFlag, numberFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { fitsInsideTeacher, insideTeacherBounds } from '../recipe/inside-teacher';
import { explainNoShape } from '../recipe/no-shape';

export const SEARCH_USAGE =
  'tinylm arch search --params N --vocab V [--tolerance 0.1] [--head-sizes 64,128] [--width-multiple 64] [--multiple-of 256] [--mlp-ratios 2,2.5,2.667,3,3.5,4] ' +
  '[--kv-groups 1] [--min-layers N] [--max-layers N] [--min-hidden N] [--max-hidden N] [--min-aspect-ratio 16] [--max-aspect-ratio 256] [--tie-embeddings] ' +
  '[--inside TEACHER_DIR_OR_CONFIG] [--max-latency-ms X] [--seq 2048] [--limit 10] [--out CONFIG.json] [--json]';

export const SEARCH_FLAGS = {
  params: { type: 'string' },
  vocab: { type: 'string' },
  tolerance: { type: 'string' },
  'head-sizes': { type: 'string' },
  'width-multiple': { type: 'string' },
  'multiple-of': { type: 'string' },
  'mlp-ratios': { type: 'string' },
  'kv-groups': { type: 'string' },
  'min-layers': { type: 'string' },
  'max-layers': { type: 'string' },
  'min-hidden': { type: 'string' },
  'max-hidden': { type: 'string' },
  'min-aspect-ratio': { type: 'string' },
  'max-aspect-ratio': { type: 'string' },
  'tie-embeddings': { type: 'boolean' },
  inside: { type: 'string' },
  'max-latency-ms': { type: 'string' },
  seq: { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `--mlp-ratios 2,2.5`: numbers > 0; with `integers`, positive integers (`--head-sizes 64,128`). */
function numberList(flag: string, value: unknown, integers = false): number[] | undefined {
  if (value === undefined) return undefined;
  const what = integers ? 'a positive integer' : 'a positive number';
  return String(value)
    .split(',')
    .map((s) => {
      const n = s.trim() === '' ? Number.NaN : Number(s);
      if (!Number.isFinite(n) || n <= 0 || (integers && !Number.isSafeInteger(n)))
        throw new UsageError(`--${flag}: ${showValue(s)} is not ${what} (give a comma-separated list of them)`);
      return n;
    });
}

const positive = (flag: string, value: unknown) => numberFlag(flag, value, undefined, { above: 0 });

const optionalInt = (flag: string, value: unknown) => (value === undefined ? undefined : intFlag(flag, value));

function row(c: ArchCandidate): string {
  const k = c.config;
  return (
    `${String(k.numLayers).padStart(6)}  ${String(k.hiddenSize).padStart(6)}  ${String(k.numHeads).padStart(5)}  ${String(k.numKvHeads).padStart(2)}  ` +
    `${String(k.intermediateSize).padEnd(6)}  ${formatCount(c.params).padStart(8)}  ${formatPercent(c.embeddingShare).padStart(9)}  ` +
    `${formatFlops(c.trainingFlopsPerToken).padStart(17)}  ${c.latencyMs.toFixed(3).padStart(10)}`
  );
}

export async function archSearch(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, SEARCH_FLAGS, SEARCH_USAGE);
  const teacher = typeof values.inside === 'string' ? await configFromPresetOrFile(values.inside) : undefined;
  const bounds = teacher ? insideTeacherBounds(teacher) : {};
  const options: SearchOptions = {
    params:
      positive('params', values.params) ??
      (() => {
        throw new UsageError(`--params N is required\nusage: ${SEARCH_USAGE}`);
      })(),
    vocabSize: intFlag('vocab', values.vocab),
    tolerance: positive('tolerance', values.tolerance),
    headSizes: numberList('head-sizes', values['head-sizes'], true) ?? bounds.headSizes,
    widthMultiple: optionalInt('width-multiple', values['width-multiple']),
    multipleOf: optionalInt('multiple-of', values['multiple-of']),
    mlpRatios: numberList('mlp-ratios', values['mlp-ratios']),
    kvGroups: numberList('kv-groups', values['kv-groups'], true),
    minLayers: optionalInt('min-layers', values['min-layers']),
    maxLayers: optionalInt('max-layers', values['max-layers']) ?? bounds.maxLayers,
    minHidden: optionalInt('min-hidden', values['min-hidden']),
    maxHidden: optionalInt('max-hidden', values['max-hidden']) ?? bounds.maxHidden,
    minAspectRatio: numberFlag('min-aspect-ratio', values['min-aspect-ratio']),
    maxAspectRatio: positive('max-aspect-ratio', values['max-aspect-ratio']),
    tieWordEmbeddings: values['tie-embeddings'] === true ? true : undefined,
    maxLatencyMs: positive('max-latency-ms', values['max-latency-ms']),
    seqLen: optionalInt('seq', values.seq),
    base: bounds.base,
  };
  const limit = intFlag('limit', values.limit, 10);
  const fits = teacher ? (c: ArchCandidate) => fitsInsideTeacher(c, teacher) : undefined;
  const result = searchArchitectures(options);
  const candidates = (fits ? result.candidates.filter(fits) : result.candidates).slice(0, limit);
  const why = candidates.length === 0 ? explainNoShape(options, fits) : undefined;
  if (values.json) io.out(JSON.stringify({ ...result, candidates, ...(why ? { noShape: why } : {}) }));
  else {
    const inside = teacher ? `, inside ${String(values.inside)}` : '';
    io.out(
      `budget ${formatCount(result.budget)} ±${formatPercent(result.tolerance)}${inside}: ${result.withinBudget} shapes within budget, ${result.rejectedByLatency} over the latency bound; deepest first`,
    );
    if (candidates.length > 0) {
      io.out('layers  hidden  heads  kv  ffn     params    emb share  train FLOPs/token  latency ms');
      for (const c of candidates) io.out(row(c));
    }
  }
  if (why) {
    io.err(`tinylm arch search: ${why}`);
    return 1;
  }
  if (typeof values.out === 'string') {
    await writeFile(values.out, `${JSON.stringify(toHfConfig(candidates[0].config), null, 2)}\n`);
    if (!values.json)
      io.out(
        `wrote the first shape (${candidates[0].config.numLayers} layers x hidden ${candidates[0].config.hiddenSize}) to ${values.out}`,
      );
  }
  return 0;
}
