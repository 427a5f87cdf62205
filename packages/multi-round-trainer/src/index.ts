// @tinylm/multi-round-trainer: training with checkpoints and exact resume, and the PanGu-π Pro
// multiple-round training with loss-based data refining (see README.md).
export { train } from './trainer';
export type { TrainOptions, TrainEvent, TrainResult } from './trainer';
export { evaluate, bytesPerTokenOf } from './evaluate';
export type { EvalResult, EvaluateOptions } from './evaluate';
export { loadPacked, splitHeldOut, sequenceAt } from './data/dataset';
export type { PackedData, LoadDataOptions } from './data/dataset';
export { readTokenFile } from './data/token-files';
export type { TokenDtype, ReadTokensOptions, TokenDocument } from './data/token-files';
export { lrAt } from './schedule';
export type { LrSchedule } from './schedule';
export { sampleByLoss, scoreUnits, sequenceLosses, lossStats } from './refine';
export type { Granularity, LossStats } from './refine';
export { partitionBatches } from './batches';
export type { BatchPartition } from './batches';
export { planRounds, refinedRoundSize } from './round-budget';
export type { RefinedRoundSize, RoundBudget, RoundSizeOptions } from './round-budget';
export { CHECKPOINT_FORMAT, listCheckpoints, loadLatestCheckpoint, saveCheckpoint, checkpointDirName } from './checkpoint';
export type { CheckpointContent, LoadedCheckpoint, TrainerDataPosition, TrainerRngState, TrainerState } from './checkpoint';
export { MetricsLog, readMetrics } from './metrics';
export { CheckpointError, TrainerCheckpointError, TrainingDataError, TrainingDivergedError } from './errors';
