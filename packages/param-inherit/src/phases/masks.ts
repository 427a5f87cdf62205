// The learned criterion's hard-concrete masks, trained on chosen source layers toward chosen
// targets (used by the depth phase, the width phase, or both jointly).
import type { CalibrationData } from '../calibration';
import { forwardTensorNames } from '../data-scores';
import { type MaskTargets, trainMasks } from '../learned-masks';
import type { InheritContext, MaskRun, WeightCache } from './context';

/** The width targets of the masks: what shrinks, at the target's sizes. */
export function widthMaskTargets(ctx: InheritContext): MaskTargets {
  const source = ctx.sourceConfig;
  const { config: target, shrinks } = ctx.target;
  return {
    headsPerGroup:
      target.numHeads / target.numKvHeads < source.numHeads / source.numKvHeads ? target.numHeads / target.numKvHeads : undefined,
    kvHeads: shrinks.kvHeads ? target.numKvHeads : undefined,
    ffn: shrinks.ffn ? target.intermediateSize : undefined,
    hidden: shrinks.hidden ? target.hiddenSize : undefined,
  };
}

export async function runMasks(
  ctx: InheritContext,
  weights: WeightCache,
  calibration: CalibrationData,
  layers: number[],
  targets: MaskTargets,
): Promise<MaskRun> {
  const learned = ctx.options.learned ?? {};
  const loaded = await weights.ensure(forwardTensorNames(ctx.sourceConfig, layers));
  const steps = learned.steps ?? 50;
  const result = await trainMasks(ctx.sourceConfig, loaded, layers, calibration, targets, {
    ...learned,
    onStep: (s) => {
      ctx.progress({ phase: 'masks', message: `mask step ${s.step}/${steps}: LM loss ${s.lmLoss.toFixed(4)}`, done: s.step, total: steps });
      learned.onStep?.(s);
    },
  });
  return { result, layers, targets };
}

/** True when the masks also chose width units (trained jointly with learned layers). */
export function masksChoseWidth(masks: MaskRun | undefined): boolean {
  return masks !== undefined && Object.entries(masks.targets).some(([key, value]) => key !== 'layers' && value !== undefined);
}
