// The first phase of `train`: the options resolved to the values a run uses (defaults filled in,
// the data partitioned into batches, every round's steps planned, the learning-rate schedule),
// and the settings record a checkpoint keeps so a resume with other settings is refused.
import { showValue } from '@tinylm/errors';
import type { PackedData } from './data/dataset';
import { type BatchPartition, partitionBatches } from './batches';
import { TrainingDataError } from './errors';
import type { Granularity } from './refine';
import { planRounds, type RoundBudget } from './round-budget';
import type { LrSchedule } from './schedule';
import type { TrainOptions } from './trainer';

/** The resolved run: what every later phase of `train` reads (never changed after this phase). */
export interface RunSettings {
  batchSize: number;
  seqLen: number;
  gradAccum: number;
  rounds: number;
  sampleRate: number;
  temperature: number;
  granularity: Granularity;
  seed: number;
  scoreChunk: number;
  keep: number;
  clip: number;
  partition: BatchPartition;
  budget: RoundBudget;
  schedule: LrSchedule;
  /** Held-out sequences per evaluation (0 without `val`). */
  evalSequences: number;
  /** What a checkpoint records of the run; a resume must match it. */
  record: Record<string, unknown>;
}

export function resolveRunSettings(options: TrainOptions): RunSettings {
  const gradAccum = options.gradAccum ?? 1;
  const rounds = options.rounds ?? 2;
  const sampleRate = options.sampleRate ?? 0.5;
  const temperature = options.temperature ?? 1;
  const granularity = options.granularity ?? 'batch';
  const seed = options.seed ?? 0;
  const batchSize = options.batchSize;
  const seqLen = options.train.seqLen;
  const clip = options.clip ?? 1.0;
  for (const [name, value] of Object.entries({ batchSize, gradAccum, rounds })) {
    if (!Number.isInteger(value) || value < 1) throw new TrainingDataError(`${name} must be a positive integer, got ${value}`);
  }
  if (!(sampleRate > 0 && sampleRate <= 1)) throw new TrainingDataError(`sampleRate must be in (0, 1], got ${sampleRate}`);
  if (!(temperature > 0)) throw new TrainingDataError(`temperature must be > 0, got ${temperature}`);
  const maxPositions = options.model.config.maxPositionEmbeddings;
  if (seqLen > maxPositions) throw new TrainingDataError(`seqLen ${seqLen} exceeds the model's maxPositionEmbeddings (${maxPositions})`);

  const partition = partitionBatches(options.train, batchSize, seed);
  if (partition.count < 1) {
    throw new TrainingDataError(
      `${options.train.sequences} training sequence(s) of ${seqLen} tokens are fewer than one batch of ${batchSize}`,
    );
  }
  const budget = planRounds({
    batches: partition.count,
    batchSize,
    sampleRate,
    granularity,
    gradAccum,
    firstRoundSteps: options.steps,
    refinedSteps: options.refinedSteps,
    rounds,
  });
  const schedule: LrSchedule = {
    lr: options.lr ?? 1e-4,
    minLr: options.minLr ?? 1e-5,
    warmupRatio: options.warmupRatio ?? 0.03,
    totalSteps: budget.totalSteps,
  };
  const record = {
    ...dataRecord(options),
    batchSize,
    gradAccum,
    steps: budget.roundSteps[0],
    // only when given, so checkpoints of runs that never set it still resume
    ...(options.refinedSteps === undefined ? {} : { refinedSteps: options.refinedSteps }),
    rounds,
    sampleRate,
    temperature,
    granularity,
    seed,
    schedule,
    clip,
    adam: [options.beta1 ?? 0.9, options.beta2 ?? 0.95, options.eps ?? 1e-8, options.weightDecay ?? 0.1],
  };
  return {
    batchSize,
    seqLen,
    gradAccum,
    rounds,
    sampleRate,
    temperature,
    granularity,
    seed,
    scoreChunk: options.scoreChunk ?? 16,
    keep: options.keep ?? 3,
    clip,
    partition,
    budget,
    schedule,
    evalSequences: options.val ? Math.min(options.val.sequences, options.evalSequences ?? 64) : 0,
    record,
  };
}

function dataRecord(options: { model: { config: unknown }; train: PackedData; val?: PackedData }): Record<string, unknown> {
  return {
    model: options.model.config,
    seqLen: options.train.seqLen,
    trainSequences: options.train.sequences,
    valSequences: options.val?.sequences ?? 0,
  };
}

/** The first setting in which two records differ, worded for an error; undefined when they agree. */
export function firstDifference(run: Record<string, unknown>, checkpoint: Record<string, unknown>): string | undefined {
  for (const key of new Set([...Object.keys(run), ...Object.keys(checkpoint)])) {
    if (JSON.stringify(run[key]) !== JSON.stringify(checkpoint[key])) {
      return `${key}: checkpoint has ${showValue(checkpoint[key])}, this run has ${showValue(run[key])}`;
    }
  }
  return undefined;
}
