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
export { partitionBatches, refinedRoundSize } from './batches';
export type { BatchPartition, RefinedRoundSize } from './batches';
export { CHECKPOINT_FORMAT, listCheckpoints, loadLatestCheckpoint, saveCheckpoint, checkpointDirName } from './checkpoint';
export type { TrainerState, LoadedCheckpoint } from './checkpoint';
export { MetricsLog, readMetrics } from './metrics';
export { TrainingDataError, TrainingDivergedError, CheckpointError } from './errors';
