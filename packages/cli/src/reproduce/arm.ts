// An arm: one training run a study compares (a ladder rung, one vocabulary size, one depth, one
// inheritance criterion, one round schedule). Every arm of a study trains on the same student
// text with the same learning-rate schedule and is scored on the whole held-out split in bits per
// byte, so arms with different vocabularies compare directly. Arms run once per seed; the seed
// sets the random init and the data order.
import type { ArchCandidate } from '@tinylm/arch-config';
import { refinedRoundSize } from '@tinylm/multi-round-trainer';
import type { LayerCriterion, WidthCriterion } from '@tinylm/param-inherit';
import { UsageError } from '../args';

/** Random init, or parameters inherited from the teacher by param-inherit's criteria. */
export type ArmInit = { from: 'random' } | { from: 'teacher'; layers: LayerCriterion; width: WidthCriterion };

export interface Arm {
  /** Unique within a study; names the arm in tables and results.json. */
  id: string;
  /** Short label for charts. */
  label: string;
  /** What the arm is, for tables. */
  what: string;
  /** Size of its tokenizer: the teacher's ("big"), the compact one, or another pruned size. */
  vocab: number;
  shape: ArchCandidate;
  init: ArmInit;
  /** Rounds of training (2 and 3: later rounds drawn by loss) and their sampling rate. */
  rounds: number;
  sampleRate: number;
  /** Optimizer steps in all (every round). */
  steps: number;
}

export const RANDOM: ArmInit = { from: 'random' };

export const initLabel = (i: ArmInit) => (i.from === 'random' ? 'random' : `${i.layers} + ${i.width}`);

/** Steps of each round of a `rounds`-round run of `totalSteps` in all. */
export interface RoundSteps {
  /** Round 1's steps (the trainer's `steps`). */
  first: number;
  /** Each later round's steps (the trainer's `refinedSteps`), one pass over the batches it draws. */
  refined: number;
}

/**
 * Splits `totalSteps` over `rounds` rounds: every later round is one pass over the
 * round(rate x batches) batches drawn by loss (multi-round-trainer's `refinedRoundSize`, batch
 * granularity), round 1 takes the rest and must be at least as long as a later round.
 * `flag` names the option that sets the budget, for the error.
 */
export function roundSteps(totalSteps: number, batches: number, rounds: number, rate: number, flag = '--steps'): RoundSteps {
  if (rounds === 1) return { first: totalSteps, refined: 0 };
  const refined = refinedRoundSize({ batches, batchSize: 1, sampleRate: rate, granularity: 'batch', gradAccum: 1 }).steps;
  const first = totalSteps - (rounds - 1) * refined;
  if (first < refined) {
    throw new UsageError(
      `a budget of ${totalSteps} steps is too small for ${rounds} rounds at sampling rate ${rate} over ${batches} batches ` +
        `(each later round draws ${refined}): ${flag} must be at least ${rounds * refined}`,
    );
  }
  return { first, refined };
}
