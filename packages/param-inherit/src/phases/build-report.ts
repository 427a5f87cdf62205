// Phase 6 of `inheritParams`: inherit-report.json, what the inheritance kept and why (report.ts
// has the format); the timing is filled in when the last tensor is written.
import { countParams } from '@tinylm/arch-config';
import type { CalibrationData } from '../calibration';
import { range } from '../plan';
import { type InheritReport, kept, REPORT_FORMAT, REPORT_VERSION } from '../report';
import type { InheritContext } from './context';
import type { FoldedScales } from './fold-scales';
import type { LayerChoice } from './layers';
import type { WidthChoice } from './width';

export interface ReportInputs {
  calibration: CalibrationData | null;
  layers: LayerChoice;
  width: WidthChoice;
  folded: FoldedScales | undefined;
  tokenizerFrom: string | null;
  /** The output dtype (safetensors name). */
  dtype: string;
  notes: string[];
}

export function buildReport(ctx: InheritContext, inputs: ReportInputs): InheritReport {
  const { source, sourceConfig, needs, options } = ctx;
  const target = ctx.target.config;
  const { layers, width } = inputs;
  const scores = width.scores;
  const masks = width.masks;
  const learned = options.learned ?? {};
  const keepFirst = options.keepFirst ?? Math.ceil(target.numLayers / 2);
  const scoredBy = (needed: boolean) => (needed ? width.scoredBy : 'identity');
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    source: { dir: source.dir, dtype: source.dtype, config: { ...sourceConfig } },
    target: { config: { ...target }, dtype: inputs.dtype, parameters: countParams(target).total },
    criteria: {
      layers: ctx.layerCriterion,
      width: ctx.widthCriterion,
      ...(ctx.layerCriterion === 'first-last' && ctx.target.shrinks.layers
        ? { firstLast: { first: keepFirst, last: target.numLayers - keepFirst } }
        : {}),
      scoredBy: {
        layers: layers.scoredBy,
        heads: scoredBy(needs.heads),
        kvHeads: scoredBy(needs.kvHeads),
        ffn: scoredBy(needs.ffn),
        hidden: scoredBy(needs.hidden),
      },
    },
    calibration: inputs.calibration?.report ?? null,
    vocabulary: {
      map: ctx.vocab?.source ?? null,
      kept: target.vocabSize,
      source: sourceConfig.vocabSize,
      tokenizerFrom: inputs.tokenizerFrom,
    },
    layers: kept(layers.kept, layers.scores),
    attention: width.layerPlans.map((plan, i) => ({
      layer: i,
      sourceLayer: plan.source,
      kvHeads: kept(plan.kvHeads, scores.kvHeads?.[i]),
      heads: kept(plan.heads, scores.heads?.[i]),
    })),
    ffn: width.layerPlans.map((plan, i) => ({ layer: i, sourceLayer: plan.source, neurons: kept(plan.ffn, scores.ffn?.[i]) })),
    hidden: kept(width.hidden, scores.hidden),
    learned: masks
      ? {
          steps: masks.result.history.length,
          options: { ...learned, onStep: undefined },
          lambdas: masks.result.lambdas,
          history: subsample(masks.result.history, 200),
          targets: Object.fromEntries(Object.entries(masks.targets).filter(([, v]) => v !== undefined)) as Record<string, number>,
          folded: inputs.folded?.reported ?? {},
        }
      : null,
    notes: inputs.notes,
    timing: { seconds: 0, phases: {}, bytesRead: 0 },
  };
}

/** Subsamples a long history to at most n entries (always keeping the first and the last). */
function subsample<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return range(n).map((i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]);
}
