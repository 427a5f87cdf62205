// Phase 4 of `inheritParams`, width, on the kept layers: score heads, FFN neurons and hidden
// channels (l1 / l2 streamed from the checkpoint, activation, Taylor, or learned masks), then keep
// the best of each in a layer plan.
import type { CalibrationData } from '../calibration';
import { activationScores, forwardTensorNames, taylorScores } from '../data-scores';
import { magnitudeScores } from '../magnitude-scores';
import { type LayerPlan, range, selectHeads, topK } from '../plan';
import { anyScoreNeeded, type UnitScores } from '../scores';
import type { InheritContext, MaskRun, WeightCache } from './context';
import type { LayerChoice } from './layers';
import { masksChoseWidth, runMasks, widthMaskTargets } from './masks';

export interface WidthChoice {
  scores: UnitScores;
  scoredBy: string;
  /** The masks the plan folds in: the width phase's, else the depth phase's. */
  masks: MaskRun | undefined;
  layerPlans: LayerPlan[];
  /** Source hidden channels kept, ascending. */
  hidden: number[];
  /** Checkpoint bytes read to score (the streamed l1 / l2 criteria). */
  bytesRead: number;
}

export async function chooseWidth(
  ctx: InheritContext,
  weights: WeightCache,
  calibration: CalibrationData | null,
  layers: LayerChoice,
): Promise<WidthChoice> {
  ctx.progress({ phase: 'width', message: `choosing heads, neurons and channels (${ctx.widthCriterion})` });
  const scored = anyScoreNeeded(ctx.needs)
    ? await scoreWidth(ctx, weights, calibration, layers)
    : { scores: {}, masks: layers.masks, bytesRead: 0 };
  const { layerPlans, hidden } = keepBest(ctx, layers.kept, scored.scores);
  return { ...scored, scoredBy: anyScoreNeeded(ctx.needs) ? ctx.widthCriterion : 'identity', layerPlans, hidden };
}

async function scoreWidth(
  ctx: InheritContext,
  weights: WeightCache,
  calibration: CalibrationData | null,
  layers: LayerChoice,
): Promise<{ scores: UnitScores; masks: MaskRun | undefined; bytesRead: number }> {
  const source = ctx.sourceConfig;
  const kept = layers.kept;
  const criterion = ctx.widthCriterion;
  if (criterion === 'l1' || criterion === 'l2') {
    weights.keepOnly([]);
    let bytesRead = 0;
    const scores = await magnitudeScores(ctx.source.checkpoint, source, criterion, {
      layers: kept,
      needs: ctx.needs,
      vocabRows: ctx.vocabRows,
      headTensor: ctx.source.headTensor,
      onRead: (n) => (bytesRead = n),
    });
    return { scores, masks: layers.masks, bytesRead };
  }
  if (criterion === 'activation' || criterion === 'taylor') {
    const names = forwardTensorNames(source, kept);
    weights.keepOnly(names);
    const loaded = await weights.ensure(names);
    const scores =
      criterion === 'activation'
        ? activationScores(source, loaded, kept, calibration!, ctx.needs)
        : taylorScores(source, loaded, kept, calibration!, ctx.needs, ctx.vocabRows);
    return { scores, masks: layers.masks, bytesRead: 0 };
  }
  // learned: reuse width masks trained jointly with learned layers, else train them on the kept layers
  let masks = layers.masks;
  if (!masksChoseWidth(masks)) {
    weights.keepOnly(forwardTensorNames(source, kept));
    masks = await runMasks(ctx, weights, calibration!, kept, widthMaskTargets(ctx));
  }
  // log-alphas are per mask layer: pick the rows of the kept layers
  const { logAlpha } = masks!.result;
  const rows = (a: Float32Array[] | undefined) => (a ? kept.map((l) => Float64Array.from(a[masks!.layers.indexOf(l)])) : undefined);
  const scores = {
    heads: rows(logAlpha.heads),
    kvHeads: rows(logAlpha.kvHeads),
    ffn: rows(logAlpha.ffn),
    hidden: logAlpha.hidden ? Float64Array.from(logAlpha.hidden) : undefined,
  };
  return { scores, masks, bytesRead: 0 };
}

/** The best-scored units of every kept layer, and of the hidden channels (all of them where nothing shrinks). */
function keepBest(ctx: InheritContext, kept: number[], scores: UnitScores): { layerPlans: LayerPlan[]; hidden: number[] } {
  const source = ctx.sourceConfig;
  const { config: target, shrinks } = ctx.target;
  const layerPlans: LayerPlan[] = kept.map((layer, i) => {
    const { heads, kvHeads } = selectHeads(
      scores.heads?.[i] ?? new Float64Array(source.numHeads),
      scores.kvHeads?.[i],
      source.numHeads,
      source.numKvHeads,
      target.numHeads,
      target.numKvHeads,
    );
    const ffn = shrinks.ffn ? topK(scores.ffn![i], target.intermediateSize) : range(source.intermediateSize);
    return { source: layer, heads, kvHeads, ffn };
  });
  const hidden = shrinks.hidden ? topK(scores.hidden!, target.hiddenSize) : range(source.hiddenSize);
  return { layerPlans, hidden };
}
