// The round plan `train` makes before its first step (and announces in its `start` event).
import { describe, expect, it } from 'vitest';
import { TrainingDataError } from './errors';
import { planRounds, refinedRoundSize } from './round-budget';

const base = { batches: 160, batchSize: 4, sampleRate: 0.5, granularity: 'batch' as const, gradAccum: 1 };

describe('planRounds', () => {
  it('steps is round 1; each refined round defaults to round(sampleRate × steps) and draws only what it uses', () => {
    const plan = planRounds({ ...base, firstRoundSteps: 12, rounds: 2 });
    expect(plan.roundSteps).toEqual([12, 6]);
    expect(plan.totalSteps).toBe(18);
    expect(plan.refined).toEqual({ units: 160, drawn: 6, microBatches: 6, steps: 6 });
  });

  it('without steps, round 1 is one epoch and a refined round one pass over the N0 = rate × N batches drawn (the paper)', () => {
    expect(planRounds({ ...base, rounds: 3 })).toMatchObject({ roundSteps: [160, 80, 80], totalSteps: 320, refined: { drawn: 80 } });
    expect(planRounds({ ...base, gradAccum: 2, rounds: 2 }).roundSteps).toEqual([80, 40]);
  });

  it('refinedSteps sets the refined rounds; past the N0 drawn batches they repeat them', () => {
    expect(planRounds({ ...base, firstRoundSteps: 10, refinedSteps: 100, rounds: 2 })).toMatchObject({
      roundSteps: [10, 100],
      refined: { drawn: 80, microBatches: 80 },
    });
    expect(planRounds({ ...base, firstRoundSteps: 10, rounds: 1 })).toMatchObject({ roundSteps: [10], totalSteps: 10 });
  });

  it('sample granularity counts sequences; fewer drawn than one batch is refused', () => {
    expect(refinedRoundSize({ ...base, granularity: 'sample', firstRoundSteps: 12 })).toEqual({
      units: 640,
      drawn: 24,
      microBatches: 6,
      steps: 6,
    });
    expect(() => refinedRoundSize({ ...base, batches: 1, batchSize: 8, sampleRate: 0.1, granularity: 'sample' })).toThrow(
      TrainingDataError,
    );
  });
});
