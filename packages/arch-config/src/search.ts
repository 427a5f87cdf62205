// Architecture search at a fixed parameter budget: the paper's "architecture tweak".
// Tang et al. 2024 (arXiv 2402.02791, §architecture) vary depth, width and FFN expansion rate of
// ~1B models and find depth matters most (Spearman 0.53 with the score; deeper is better but
// decodes slower) while the FFN rate shows no clear trend. So: enumerate depth × width × FFN
// ratio × head size (× KV grouping) whose exact parameter count is within `tolerance` of the
// budget, drop those over an optional latency bound, rank deeper first, then closer to budget.
// Width/depth aspect bounds keep the enumeration to shapes people train: the default floor of
// 16 is a little below MobileLLM-125M's 576/30 ≈ 19, a deliberately deep-and-thin model.

import { resolveConfig, type LlamaConfig, type LlamaConfigInput } from './config';
import { InvalidArgumentError } from './errors';
import { ffnFromMlpRatio, INTERNEVO_MULTIPLE_OF } from './ffn';
import { flopsPerToken } from './flops';
import { latencyProxy, type LatencyModel } from './latency';
import { countParams } from './param-count';
import { parseOptions } from '@tinylm/errors';
import { searchOptions } from './options';

/** Options of `searchArchitectures`. */
export interface SearchOptions {
  /** Parameter budget (total, including embedding and head). */
  params: number;
  vocabSize: number;
  /** Relative tolerance around the budget; default 0.1 (±10%). */
  tolerance?: number;
  /** Attention head sizes to try (even); default [64, 128]. */
  headSizes?: readonly number[];
  /** Hidden sizes are multiples of this (and of the head size); default 64. */
  widthMultiple?: number;
  /** FFN expansion rates to try; default [2, 2.5, 8/3, 3, 3.5, 4]. */
  mlpRatios?: readonly number[];
  /** FFN rounding multiple (InternEvo's rule, see ffn.ts); default 256. Use e.g. 32 for tiny budgets. */
  multipleOf?: number;
  /** Query heads per KV head to try (1 = MHA as in PanGu-π); default [1]. */
  kvGroups?: readonly number[];
  minLayers?: number;
  maxLayers?: number;
  minHidden?: number;
  maxHidden?: number;
  /** Lowest hiddenSize / numLayers allowed; default 16. */
  minAspectRatio?: number;
  /** Highest hiddenSize / numLayers allowed; default 256. */
  maxAspectRatio?: number;
  tieWordEmbeddings?: boolean;
  /** Sequence length for FLOPs per token; default 2048. */
  seqLen?: number;
  /** Drop candidates whose latency proxy exceeds this (milliseconds per decoded token). */
  maxLatencyMs?: number;
  latencyModel?: Partial<LatencyModel>;
  /** Keep only the first `limit` ranked candidates. */
  limit?: number;
  /** Fields copied into every candidate config (RoPE base, eps, token ids, ...). */
  base?: Pick<
    LlamaConfigInput,
    'ropeTheta' | 'rmsNormEps' | 'maxPositionEmbeddings' | 'initStd' | 'bosTokenId' | 'eosTokenId' | 'padTokenId'
  >;
}

/** One architecture within budget, with the numbers the ranking uses. */
export interface ArchCandidate {
  readonly config: LlamaConfig;
  readonly headSize: number;
  /** The smallest listed ratio that produced this FFN size. */
  readonly mlpRatio: number;
  readonly params: number;
  /** (params - budget) / budget. */
  readonly deviation: number;
  /** (embedding + lmHead) / params. */
  readonly embeddingShare: number;
  /** Training FLOPs per token at `seqLen` (6N + 12·L·T·d). */
  readonly trainingFlopsPerToken: number;
  /** Latency proxy, ms per decoded token at batch 1. */
  readonly latencyMs: number;
}

/** Ranked candidates and how many were considered. */
export interface SearchResult {
  readonly budget: number;
  readonly tolerance: number;
  /** Ranked: more layers first, then smaller |deviation|, then lower latency. */
  readonly candidates: readonly ArchCandidate[];
  /** Distinct shapes within tolerance before the latency bound. */
  readonly withinBudget: number;
  /** Of those, dropped by `maxLatencyMs`. */
  readonly rejectedByLatency: number;
}

/** Default FFN expansion rates tried by the search. */
export const DEFAULT_MLP_RATIOS: readonly number[] = Object.freeze([2, 2.5, 8 / 3, 3, 3.5, 4]);

/**
 * Enumerates depth × width × FFN ratio × head size (× KV grouping) within `tolerance` of the
 * `params` budget, ranked depth-first as the paper recommends, under an optional latency bound.
 *
 * @example searchArchitectures({ params: 1e9, vocabSize: 48000 }).candidates[0]
 */
export function searchArchitectures(options: SearchOptions): SearchResult {
  const opts = parseOptions(searchOptions, options, 'searchArchitectures');
  const budget = opts.params;
  const tolerance = opts.tolerance ?? 0.1;
  const headSizes = opts.headSizes ?? [64, 128];
  const widthMultiple = opts.widthMultiple ?? 64;
  const mlpRatios = opts.mlpRatios ?? DEFAULT_MLP_RATIOS;
  const multipleOf = opts.multipleOf ?? INTERNEVO_MULTIPLE_OF;
  const kvGroups = opts.kvGroups ?? [1];
  const minAspect = opts.minAspectRatio ?? 16;
  const maxAspect = opts.maxAspectRatio ?? 256;
  const seqLen = opts.seqLen ?? 2048;
  const tied = opts.tieWordEmbeddings ?? false;
  const V = opts.vocabSize;

  positive('params', budget);
  positiveInt('vocabSize', V);
  if (!(tolerance > 0 && tolerance < 1)) bad('tolerance', tolerance, 'a number in (0, 1), e.g. 0.1 for ±10%');
  positiveInt('widthMultiple', widthMultiple);
  positiveInt('multipleOf', multipleOf);
  positiveInt('seqLen', seqLen);
  list(
    'headSizes',
    headSizes,
    (h) => Number.isInteger(h) && h >= 2 && h % 2 === 0,
    'even integers >= 2 (rotary embeddings rotate channel pairs)',
  );
  list('mlpRatios', mlpRatios, (r) => Number.isFinite(r) && r > 0, 'finite numbers > 0');
  list('kvGroups', kvGroups, (g) => Number.isInteger(g) && g >= 1, 'positive integers (query heads per KV head)');
  if (!(minAspect >= 0) || !(maxAspect >= minAspect)) bad('maxAspectRatio', maxAspect, `a number >= minAspectRatio (${minAspect})`);
  if (opts.maxLatencyMs !== undefined) positive('maxLatencyMs', opts.maxLatencyMs);
  if (opts.limit !== undefined) positiveInt('limit', opts.limit);

  const lowBudget = budget * (1 - tolerance);
  const highBudget = budget * (1 + tolerance);
  const minLayers = Math.max(1, opts.minLayers ?? 1);
  const maxLayers = opts.maxLayers ?? Number.POSITIVE_INFINITY;
  const minHidden = opts.minHidden ?? widthMultiple;
  const maxHidden = opts.maxHidden ?? Number.POSITIVE_INFINITY;

  const seen = new Set<string>();
  const found: ArchCandidate[] = [];
  let rejectedByLatency = 0;

  for (let d = Math.ceil(minHidden / widthMultiple) * widthMultiple; d <= maxHidden; d += widthMultiple) {
    const fixed = V * d * (tied ? 1 : 2) + d; // embedding (+ head) + final norm
    if (fixed >= highBudget) break; // wider only grows the fixed part
    for (const headSize of headSizes) {
      if (d % headSize !== 0) continue;
      const numHeads = d / headSize;
      for (const group of kvGroups) {
        if (numHeads % group !== 0) continue;
        const numKvHeads = numHeads / group;
        for (const mlpRatio of mlpRatios) {
          const f = ffnFromMlpRatio(d, mlpRatio, multipleOf);
          const kv = numKvHeads * headSize;
          const perLayer = 2 * d * d + 2 * d * kv + 3 * d * f + 2 * d; // see param-count.ts
          // depth range: params within budget, layer bounds, aspect bounds (d / L)
          const lo = Math.max(minLayers, Math.ceil((lowBudget - fixed) / perLayer), Math.ceil(d / maxAspect));
          const hi = Math.min(maxLayers, Math.floor((highBudget - fixed) / perLayer), minAspect > 0 ? Math.floor(d / minAspect) : Infinity);
          for (let L = lo; L <= hi; L++) {
            const total = fixed + L * perLayer;
            if (total < lowBudget || total > highBudget) continue; // guards float rounding at the edges
            const key = `${d}/${L}/${numHeads}/${numKvHeads}/${f}`;
            if (seen.has(key)) continue; // another ratio rounded to the same FFN size
            seen.add(key);
            const config = resolveConfig({
              ...opts.base,
              vocabSize: V,
              hiddenSize: d,
              numLayers: L,
              numHeads,
              numKvHeads,
              intermediateSize: f,
              tieWordEmbeddings: tied,
            });
            const counts = countParams(config);
            const latencyMs = latencyProxy(config, opts.latencyModel).totalMs;
            if (opts.maxLatencyMs !== undefined && latencyMs > opts.maxLatencyMs) {
              rejectedByLatency++;
              continue;
            }
            found.push({
              config,
              headSize,
              mlpRatio,
              params: counts.total,
              deviation: (counts.total - budget) / budget,
              embeddingShare: (counts.embedding + counts.lmHead) / counts.total,
              trainingFlopsPerToken: flopsPerToken(config, { seqLen }).training,
              latencyMs,
            });
          }
        }
      }
    }
  }

  found.sort(
    (a, b) =>
      b.config.numLayers - a.config.numLayers ||
      Math.abs(a.deviation) - Math.abs(b.deviation) ||
      a.latencyMs - b.latencyMs ||
      a.config.hiddenSize - b.config.hiddenSize ||
      a.headSize - b.headSize ||
      a.config.numKvHeads - b.config.numKvHeads,
  );
  return {
    budget,
    tolerance,
    candidates: opts.limit !== undefined ? found.slice(0, opts.limit) : found,
    withinBudget: found.length + rejectedByLatency,
    rejectedByLatency,
  };
}

function bad(argument: string, value: unknown, allowed: string): never {
  throw new InvalidArgumentError({ argument, value, allowed });
}
function positive(argument: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) bad(argument, value, 'a finite number > 0');
}
function positiveInt(argument: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) bad(argument, value, 'a positive integer');
}
function list<T>(argument: string, values: readonly T[], ok: (v: T) => boolean, allowed: string): void {
  if (!Array.isArray(values) || values.length === 0) bad(argument, values, `a non-empty list of ${allowed}`);
  for (const v of values) if (!ok(v)) bad(argument, values, `a non-empty list of ${allowed}`);
}
