// Phase 3 of `inheritParams`, depth: which source layers the target keeps (uniform, first-last,
// ShortGPT block influence, or learned masks), with their scores where a criterion gives some.
import type { CalibrationData } from '../calibration';
import { blockInfluence, forwardTensorNames } from '../data-scores';
import { range } from '../plan';
import { firstLastLayers, topLayers, uniformLayers } from '../select-layers';
import type { InheritContext, MaskRun, WeightCache } from './context';
import { runMasks, widthMaskTargets } from './masks';

export interface LayerChoice {
  /** Source layers kept, ascending. */
  kept: number[];
  scores: ArrayLike<number> | undefined;
  scoredBy: string;
  /** The learned criterion's masks (they may have chosen width units too). */
  masks: MaskRun | undefined;
}

export async function chooseLayers(ctx: InheritContext, weights: WeightCache, calibration: CalibrationData | null): Promise<LayerChoice> {
  const source = ctx.sourceConfig;
  const target = ctx.target.config;
  ctx.progress({ phase: 'layers', message: `choosing ${target.numLayers} of ${source.numLayers} layers (${ctx.layerCriterion})` });
  if (!ctx.target.shrinks.layers) return { kept: range(source.numLayers), scores: undefined, scoredBy: 'identity', masks: undefined };
  switch (ctx.layerCriterion) {
    case 'uniform':
      return { kept: uniformLayers(source.numLayers, target.numLayers), scores: undefined, scoredBy: 'uniform', masks: undefined };
    case 'first-last':
      return {
        kept: firstLastLayers(source.numLayers, target.numLayers, ctx.options.keepFirst),
        scores: undefined,
        scoredBy: 'first-last',
        masks: undefined,
      };
    case 'block-influence': {
      const all = range(source.numLayers);
      const scores = blockInfluence(source, await weights.ensure(forwardTensorNames(source, all)), all, calibration!);
      return { kept: topLayers(scores, target.numLayers), scores, scoredBy: 'block-influence', masks: undefined };
    }
    case 'learned': {
      const targets = { layers: target.numLayers, ...(ctx.widthCriterion === 'learned' ? widthMaskTargets(ctx) : {}) };
      const masks = await runMasks(ctx, weights, calibration!, range(source.numLayers), targets);
      const scores = masks.result.logAlpha.layer!;
      return { kept: topLayers(scores, target.numLayers), scores, scoredBy: 'learned', masks };
    }
  }
}
