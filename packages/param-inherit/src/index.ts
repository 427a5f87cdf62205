// @tinylm/param-inherit: initialise a small LLaMA from a large pretrained one (the third strategy
// of the PanGu-π Pro paper, Tang et al. 2024; see README.md and docs/param-inherit.md).
export { inheritParams, WIDTH_CRITERIA } from './inherit';
export type { InheritOptions, InheritProgress, InheritResult, WidthCriterion } from './inherit';
export { LAYER_CRITERIA, firstLastLayers, uniformLayers } from './select-layers';
export type { LayerCriterion } from './select-layers';
export { checkTarget } from './target';
export type { ShrinkFlags, TargetCheck } from './target';
export { parseVocabMap, readVocabMap } from './vocab-map';
export type { VocabMap } from './vocab-map';
export { loadCalibration } from './calibration';
export type { CalibrationData, CalibrationOptions, CalibrationReport } from './calibration';
export { selectHeads, topK } from './plan';
export type { FoldScales, InheritPlan, LayerPlan } from './plan';
export type { LearnedMaskOptions, MaskStep } from './learned-masks';
export { HARD_CONCRETE } from './hard-concrete';
export { REPORT_FORMAT, REPORT_VERSION } from './report';
export type { InheritReport, KeptUnits } from './report';
export { openSourceModel } from './source-model';
export type { SourceModel } from './source-model';
export {
  CalibrationError,
  InheritError,
  InheritOptionError,
  SourceModelError,
  TargetShapeError,
  VocabMapError,
} from './errors';
