// Phase 5 of `inheritParams`, learned masks only: the deterministic mask values of the kept units,
// folded into the inherited weights (FoldScales), and the same rounded for the report.
import type { WidthCriterion } from '../inherit';
import { deterministicValue } from '../hard-concrete';
import type { FoldScales, LayerPlan } from '../plan';
import { round6 } from '../report';
import type { InheritContext, MaskRun } from './context';

export interface FoldedScales {
  scales: FoldScales;
  /** The scales rounded to 6 digits, for inherit-report.json. */
  reported: Record<string, unknown>;
}

export function foldScales(
  ctx: InheritContext,
  masks: MaskRun,
  keptLayers: readonly number[],
  layerPlans: readonly LayerPlan[],
  hidden: readonly number[],
): FoldedScales {
  const logAlpha = masks.result.logAlpha;
  const values = (a: ArrayLike<number>, keep: readonly number[]) => keep.map((j) => deterministicValue(a[j]));
  const maskRow = (layer: number) => masks.layers.indexOf(layer);
  const source = ctx.sourceConfig;
  const scales: { -readonly [K in keyof FoldScales]: FoldScales[K] } = {};
  if (logAlpha.layer) scales.layer = values(logAlpha.layer, keptLayers);
  if (usesWidthMasks(ctx.widthCriterion)) {
    if (logAlpha.heads || logAlpha.kvHeads) {
      const group = source.numHeads / source.numKvHeads;
      scales.heads = layerPlans.map((plan) => {
        const row = maskRow(plan.source);
        const headValue = (q: number) => (logAlpha.heads ? values(logAlpha.heads[row], [q])[0] : 1);
        const groupValue = (q: number) => (logAlpha.kvHeads ? values(logAlpha.kvHeads[row], [Math.floor(q / group)])[0] : 1);
        return plan.heads.map((q) => headValue(q) * groupValue(q));
      });
    }
    if (logAlpha.ffn) scales.ffn = layerPlans.map((plan) => values(logAlpha.ffn![maskRow(plan.source)], plan.ffn));
    if (logAlpha.hidden) {
      scales.hidden = values(logAlpha.hidden, hidden);
      scales.norm = Math.sqrt(source.hiddenSize / ctx.target.config.hiddenSize);
    }
  }
  return { scales, reported: Object.fromEntries(Object.entries(scales).map(([key, value]) => [key, rounded(value)])) };
}

function usesWidthMasks(width: WidthCriterion): boolean {
  return width === 'learned';
}

function rounded(value: unknown): unknown {
  if (typeof value === 'number') return round6(value);
  if (Array.isArray(value)) return value.map((x) => (Array.isArray(x) ? x.map(round6) : round6(x as number)));
  return value;
}
