// Phase 2 of `inheritParams`: calibration data, only when a criterion needs forward passes, on the
// backend the caller set up (gradients registered for taylor / learned).
import { ensureGradients } from '@tinylm/kernels';
import { type CalibrationData, loadCalibration } from '../calibration';
import { CalibrationError } from '../errors';
import { currentBackend } from './backend';
import type { InheritContext } from './context';

export interface CalibrationPhase {
  data: CalibrationData | null;
  notes: string[];
}

export async function calibrationPhase(ctx: InheritContext): Promise<CalibrationPhase> {
  const { options, source, sourceConfig } = ctx;
  if (!ctx.depthNeedsData && !ctx.widthNeedsData) {
    return {
      data: null,
      notes: options.calibration ? ['calibration data given but not used: no criterion that needs it had anything to choose'] : [],
    };
  }
  const why = ctx.depthNeedsData ? `layers = ${ctx.layerCriterion}` : `width = ${ctx.widthCriterion}`;
  const given = options.calibration;
  if (!given || ((given.files?.length ?? 0) === 0 && (given.tokens?.length ?? 0) === 0)) {
    throw new CalibrationError(`${why} needs calibration data: give calibration files (--calib FILES) or token arrays`, {
      field: 'calibration',
    });
  }
  ctx.progress({ phase: 'calibration', message: 'reading calibration data' });
  const data = await loadCalibration(given, {
    dir: source.dir,
    hasTokenizer: source.hasTokenizer,
    vocabSize: sourceConfig.vocabSize,
    maxPositionEmbeddings: sourceConfig.maxPositionEmbeddings,
  });
  currentBackend(options.backend, why);
  await ensureGradients();
  return { data, notes: [] };
}
