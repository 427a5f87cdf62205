// How many optimizer steps each round of `train` takes, decided before the first step so the
// API (the `start` event) and the CLI report the same plan:
// - round 1: `steps`, default one epoch (N batches / gradAccum, at least 1);
// - each refined round (2, 3, ...): `refinedSteps`, default the refined data's share of round 1,
//   round(sampleRate × round-1 steps), at least 1. With the default round 1 (one epoch) that is one
//   pass over the N0 = sampleRate × N batches the paper draws.
// A refined round draws N0 units by loss, or fewer when its steps need fewer (the first ones
// drawn, itself a draw by loss without replacement), and repeats them in draw order when its steps
// outnumber them. So `train({ steps: 12, rounds: 2, sampleRate: 0.5 })` runs 12 + 6 = 18 steps.
import { TrainingDataError } from './errors';
import type { Granularity } from './refine';

/** How big a refined round (2, 3, ...) is; `train` sizes its rounds with this, callers can plan with it. */
export interface RefinedRoundSize {
  /** What is scored and drawn: batches, or single sequences. */
  units: number;
  /** Units drawn by loss: round(rate × units), at least 1, at most what the round's steps use. */
  drawn: number;
  /** Micro-batches of `batchSize` the drawn units make (the round repeats them when it is longer). */
  microBatches: number;
  /** Optimizer steps of the round: `refinedSteps`, default round(sampleRate × first-round steps), at least 1. */
  steps: number;
}

export interface RoundSizeOptions {
  /** N: whole batches of the training data. */
  batches: number;
  batchSize: number;
  sampleRate: number;
  granularity: Granularity;
  gradAccum: number;
  /** Optimizer steps of round 1; default one epoch (batches / gradAccum, at least 1). */
  firstRoundSteps?: number;
  /** Optimizer steps of each refined round; default round(sampleRate × firstRoundSteps), at least 1. */
  refinedSteps?: number;
}

/** Round 1's steps: `firstRoundSteps`, else one epoch. */
export function firstRoundStepsOf(o: Pick<RoundSizeOptions, 'batches' | 'gradAccum' | 'firstRoundSteps'>): number {
  return o.firstRoundSteps ?? Math.max(1, Math.floor(o.batches / o.gradAccum));
}

export function refinedRoundSize(o: RoundSizeOptions): RefinedRoundSize {
  const units = o.granularity === 'batch' ? o.batches : o.batches * o.batchSize;
  const steps = o.refinedSteps ?? Math.max(1, Math.round(o.sampleRate * firstRoundStepsOf(o)));
  const unitsUsed = steps * o.gradAccum * (o.granularity === 'batch' ? 1 : o.batchSize);
  const drawn = Math.max(1, Math.min(Math.round(o.sampleRate * units), unitsUsed));
  const microBatches = Math.floor((o.granularity === 'batch' ? drawn * o.batchSize : drawn) / o.batchSize);
  if (microBatches < 1) {
    throw new TrainingDataError(
      `sampleRate ${o.sampleRate} draws ${drawn} of ${units} sequences, fewer than one batch of ${o.batchSize}; raise sampleRate or use granularity 'batch'`,
    );
  }
  return { units, drawn, microBatches, steps };
}

/** The steps of every round, planned before training starts. */
export interface RoundBudget {
  /** Optimizer steps of round 1, 2, ... (index 0 is round 1). */
  roundSteps: number[];
  /** Their sum. */
  totalSteps: number;
  /** The size of each refined round (the same for rounds 2, 3, ...). */
  refined: RefinedRoundSize;
}

export function planRounds(o: RoundSizeOptions & { rounds: number }): RoundBudget {
  const first = firstRoundStepsOf(o);
  const refined = refinedRoundSize({ ...o, firstRoundSteps: first });
  const roundSteps = Array.from({ length: o.rounds }, (_, i) => (i === 0 ? first : refined.steps));
  return { roundSteps, totalSteps: roundSteps.reduce((a, b) => a + b, 0), refined };
}
