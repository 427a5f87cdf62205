// The paper's depth finding (PanGu-π Pro, "architecture tweak") at tiny scale: at a fixed
// parameter budget and the compact tokenizer, the widest shape at each depth arch-config's search
// finds, up to 6 depths spread from the shallowest to the deepest, all from random init, 1 round,
// the same steps. The paper reports a Spearman correlation of 0.53 between depth and average score
// for ~1 B models (deeper is better); we correlate depth with held-out bits per byte (lower is
// better), so the paper's sign corresponds to rho(depth, −bits per byte).
import { type ArchCandidate, searchArchitectures, type SearchOptions } from '@tinylm/arch-config';
import { UsageError } from '../../args';
import { type ShapeQuery, shapeSearchOptions } from '../../recipe/shapes';
import { type Arm, RANDOM } from '../arm';
import type { ArmResult } from '../run-arms';
import { change, signed, spearman, summarizeArms } from '../stats';
import { type Claim, claimOf } from './claim';
import { LADDER_MLP_RATIO } from './ladder';
import type { Study } from './study';
import { armTable, bpbCell, CURVES_NOTE, changeCell, curvesChart, meanAndSeedsChart } from './table';

/** The paper's Spearman correlation between depth and average benchmark score (higher is better). */
export const PAPER_DEPTH_SPEARMAN = 0.53;

/** Most depths the study trains, and fewest it accepts. */
export const MAX_DEPTHS = 6;
export const MIN_DEPTHS = 3;

/**
 * Fewest layers of the depth study: the ladder's shallow-wide floor (one layer is no stack), so
 * the shallowest arm is the ladder's compact-tokenizer shape when its baseline has 2 layers.
 */
export const DEPTH_MIN_LAYERS = 2;

/**
 * Lowest hidden / layers of the depth study: the ladder's deeper-thinner floor (deepestInsideTeacher).
 * Without one the deepest shape would be a single 32-wide head hundreds of layers deep.
 */
export const DEPTH_MIN_ASPECT = 8;

/** Depth and aspect bounds of a per-depth search. */
export interface DepthBounds {
  minLayers?: number;
  maxLayers?: number;
  /** hidden / layers bounds; default 0 and 4096, as recipe/shapes.ts's `widest`. */
  minAspectRatio?: number;
  maxAspectRatio?: number;
}

/** recipe/shapes.ts's search options (the ladder's FFN rate by default) with the depth and aspect bounds given. */
export function depthSearchOptions(q: ShapeQuery, b: DepthBounds = {}): SearchOptions {
  return shapeSearchOptions(
    { ...q, mlpRatios: q.mlpRatios ?? [LADDER_MLP_RATIO] },
    { minLayers: b.minLayers, maxLayers: b.maxLayers, minAspectRatio: b.minAspectRatio ?? 0, maxAspectRatio: b.maxAspectRatio ?? 4096 },
  );
}

/** Whether candidate `a` should replace `b` as its depth's shape. */
export type ShapePreference = (a: ArchCandidate, b: ArchCandidate) => boolean;

/** The wider one; at equal width the one closer to the budget (recipe/shapes.ts's `widest`). */
export const wider: ShapePreference = (a, b) =>
  a.config.hiddenSize > b.config.hiddenSize ||
  (a.config.hiddenSize === b.config.hiddenSize && Math.abs(a.deviation) < Math.abs(b.deviation));

/** The one closer to the budget; at equal distance the wider. */
export const closerToBudget: ShapePreference = (a, b) =>
  Math.abs(a.deviation) < Math.abs(b.deviation) ||
  (Math.abs(a.deviation) === Math.abs(b.deviation) && a.config.hiddenSize > b.config.hiddenSize);

/** Depth -> the shape within budget `prefer` ranks first at that depth, shallowest first. */
export function bestAtEachDepth(q: ShapeQuery, b: DepthBounds, prefer: ShapePreference): Map<number, ArchCandidate> {
  const { candidates } = searchArchitectures(depthSearchOptions(q, b));
  const best = new Map<number, ArchCandidate>();
  for (const c of candidates) {
    const L = c.config.numLayers;
    const had = best.get(L);
    if (!had || prefer(c, had)) best.set(L, c);
  }
  return new Map([...best].sort((x, y) => x[0] - y[0]));
}

/**
 * Depth -> the widest shape within budget at that depth (ties: closest to the budget), shallowest
 * first: the ranking of recipe/shapes.ts's `widest`, for every depth at once.
 */
export const widestAtEachDepth = (q: ShapeQuery, b: DepthBounds = {}) => bestAtEachDepth(q, b, wider);

/**
 * Up to `n` of `depths` spread evenly in depth from the shallowest to the deepest, both always
 * included: each of the n − 2 evenly spaced depths between the ends takes the nearest depth not
 * yet taken (ties: the deeper), since some depths have no shape within budget.
 */
export function pickDepths(depths: readonly number[], n = MAX_DEPTHS): number[] {
  const sorted = [...new Set(depths)].sort((a, b) => a - b);
  if (sorted.length <= n) return sorted;
  if (n < 2) throw new Error(`pickDepths: need n >= 2 to keep both ends, got ${n}`);
  const [lo, hi] = [sorted[0], sorted[sorted.length - 1]];
  const left = sorted.slice(1, -1);
  const picked = [lo, hi];
  for (let k = 1; k < n - 1; k++) {
    const target = lo + (k * (hi - lo)) / (n - 1);
    const j = left.reduce((a, d, i) => {
      const [da, dd] = [Math.abs(left[a] - target), Math.abs(d - target)];
      return dd < da || (dd === da && d > left[a]) ? i : a;
    }, 0);
    picked.push(left[j]);
    left.splice(j, 1);
  }
  return picked.sort((a, b) => a - b);
}

/** The study's shapes: the widest at each picked depth, with the compact vocabulary. Refuses fewer than 3 depths. */
export function depthShapes(o: {
  params: number;
  compactVocab: number;
  teacher: ShapeQuery['teacher'];
  tolerance?: number;
}): ArchCandidate[] {
  const q: ShapeQuery = { params: o.params, vocabSize: o.compactVocab, tolerance: o.tolerance ?? 0.1, teacher: o.teacher };
  const all = widestAtEachDepth(q, { minLayers: DEPTH_MIN_LAYERS, minAspectRatio: DEPTH_MIN_ASPECT });
  if (all.size < MIN_DEPTHS) {
    const found = all.size === 0 ? 'no depth fits' : `only ${[...all.keys()].join(' and ')} layers fit`;
    throw new UsageError(
      `--params ${o.params}: the depth study needs at least ${MIN_DEPTHS} depths ` +
        `within ±${Math.round(q.tolerance * 100)}% of the budget ` +
        `(head size ${o.teacher.hiddenSize / o.teacher.numHeads}, widths in multiples of 32, at least ${DEPTH_MIN_LAYERS} layers, ` +
        `hidden >= ${DEPTH_MIN_ASPECT} x layers, a ${o.compactVocab}-token vocabulary); ${found}: raise --params`,
    );
  }
  return pickDepths([...all.keys()]).map((L) => all.get(L)!);
}

export const depthArmId = (layers: number) => `depth-${layers}`;

const depthOf = (s: { arm: Arm }) => s.arm.shape.config.numLayers;

/** Spearman's rho between depth and held-out bits per byte over every (arm, seed) result with a score. */
export function depthSpearman(results: readonly ArmResult[]): { rho: number; n: number } {
  const scored = results.filter((r) => typeof r.heldOutBitsPerByte === 'number' && Number.isFinite(r.heldOutBitsPerByte));
  if (scored.length < 2) return { rho: Number.NaN, n: scored.length };
  return {
    rho: spearman(
      scored.map(depthOf),
      scored.map((r) => r.heldOutBitsPerByte!),
    ),
    n: scored.length,
  };
}

/**
 * The paper's claim "deeper is better": reproduces when rho(depth, −bpb) > 0 and the deepest arm
 * beats the shallowest beyond the seed spread, does not when both point the other way.
 */
export function depthClaim(rhoScore: number, deepestVsShallowest: ReturnType<typeof change>): Claim {
  const v = deepestVsShallowest.verdict;
  if (v === 'one seed') return claimOf(v, 'better');
  if (rhoScore > 0 && v === 'better') return 'reproduces';
  if (rhoScore < 0 && v === 'worse') return 'does not reproduce';
  return 'within noise';
}

const fmtRho = (x: number) => (Number.isFinite(x) ? signed(x, 2) : 'undefined (constant)');

export const depthStudy: Study = {
  name: 'depth',
  title: 'depth at a fixed parameter budget',
  paper:
    'for ~1 B-parameter models depth matters most: Spearman 0.53 between depth and average benchmark score (deeper is better), ' +
    'while the FFN rate shows no clear trend',
  async arms(i) {
    const shapes = depthShapes({ params: i.params, compactVocab: i.compactVocab, teacher: i.teacher });
    const [shallowest, deepest] = [shapes[0].config.numLayers, shapes[shapes.length - 1].config.numLayers];
    return shapes.map((shape): Arm => {
      const L = shape.config.numLayers;
      const end = L === shallowest ? ', the shallowest that fits' : L === deepest ? ', the deepest that fits' : '';
      return {
        id: depthArmId(L),
        label: `${L} layers`,
        what: `${L} layers, the widest within budget at that depth${end}`,
        vocab: i.compactVocab,
        shape,
        init: RANDOM,
        rounds: 1,
        sampleRate: i.sampleRate,
        steps: i.steps,
      };
    });
  },
  report(results) {
    const rows = summarizeArms(results).sort((a, b) => depthOf(a) - depthOf(b));
    if (rows.length < 2) throw new Error(`depth study: results of ${rows.length} depth(s), at least 2 are needed`);
    const shallowest = rows[0];
    const deepest = rows[rows.length - 1];
    const compareTo = new Map(rows.slice(1).map((r) => [r.arm.id, shallowest.arm.id]));

    const { rho, n } = depthSpearman(results);
    const rhoScore = -rho;
    const ends = change(shallowest, deepest);
    const claim = depthClaim(rhoScore, ends);
    const best = rows.reduce((a, b) => (b.mean < a.mean ? b : a));

    return {
      lines: [
        ...armTable(rows, compareTo),
        '',
        `Spearman's rho over all ${n} (arm, seed) results: rho(depth, held-out bits/byte) = ${fmtRho(rho)}, ` +
          `so rho(depth, −bits/byte) = ${fmtRho(rhoScore)} ` +
          `(the paper's ${PAPER_DEPTH_SPEARMAN} is between depth and a higher-is-better score). ` +
          `Lowest bits per byte at ${depthOf(best)} layers (${best.mean.toFixed(4)}).`,
        '',
        '![depth](depth.svg)',
        '',
        '![curves](curves.svg)',
        '',
        CURVES_NOTE,
        '',
        '## Paper vs ours',
        '',
        '| | paper | ours |',
        '|---|---|---|',
        '| models | ~1 B parameters, depth × width × FFN rate varied | ' +
          `${rows.length} depths (${rows.map(depthOf).join(', ')} layers) at one budget, the widest shape at each, FFN rate 8/3 |`,
        `| Spearman rho(depth, score), higher-is-better score | ${PAPER_DEPTH_SPEARMAN} (average benchmark score) | ` +
          `${fmtRho(rhoScore)} (score = −held-out bits/byte, ${n} results) |`,
        `| deepest vs shallowest | deeper is better | ` +
          `${depthOf(deepest)} vs ${depthOf(shallowest)} layers: ${changeCell(shallowest, deepest)} |`,
        '',
        '## Verdicts',
        '',
        `- **deeper is better at a fixed budget** (the paper: Spearman ${PAPER_DEPTH_SPEARMAN} between depth and score): **${claim}**; ` +
          `rho(depth, −bits/byte) ${fmtRho(rhoScore)}; ${depthOf(deepest)} layers ${bpbCell(deepest)} ` +
          `against ${depthOf(shallowest)} layers ${bpbCell(shallowest)}, ` +
          `${signed(ends.delta)} (${ends.verdict}, seed spread ${ends.spread.toFixed(4)}).`,
        '',
        '"reproduces" needs both a positive rho(depth, −bits/byte) and the deepest arm better than the shallowest ' +
          'by more than the spread (max − min) of both over the seeds; "does not reproduce" needs both the other way; ' +
          'anything else is "within noise". ' +
          'Every arm trains the same steps on the same tokens, so deeper arms differ only in shape (and take longer per step).',
      ],
      charts: {
        'depth.svg': meanAndSeedsChart('held-out bits per byte against depth (lower is better)', 'layers', rows, results, (a) =>
          depthOf({ arm: a }),
        ),
        'curves.svg': curvesChart('bits per byte during training, first 64 held-out sequences (seed 0)', results),
      },
      summary: {
        rows,
        spearman: { depthVsBitsPerByte: rho, depthVsScore: rhoScore, results: n, paper: PAPER_DEPTH_SPEARMAN },
        deepestVsShallowest: { from: shallowest.arm.id, to: deepest.arm.id, ...ends },
        bestDepth: depthOf(best),
        verdicts: { deeperIsBetter: claim },
      },
    };
  },
};
