// The authors' improvement ladder (docs/method.md section 5) at tiny scale: each rung adds one
// strategy to the one before, at the same parameter budget and the same training budget.
//   1 baseline            big (teacher's) tokenizer, shallow-wide shape, random init, 1 round
//   2 + compact tokenizer the student's pruned tokenizer; the freed embedding parameters go to
//                         the transformer (same depth, wider)
//   3 + deeper-thinner    the deepest shape the search finds within budget (fitting the teacher)
//   4 + inheritance       rung 3's shape initialised from the teacher
//   5 + two rounds        rung 4 trained in two rounds with loss-based refining, same total steps
import type { ArchCandidate, LlamaConfig } from '@tinylm/arch-config';
import { refinedRoundSize } from '@tinylm/multi-round-trainer';
import { UsageError } from '../args';
import { deepestInsideTeacher, widest } from '../recipe/shapes';

export type RungId = 'baseline' | 'compact-tokenizer' | 'deeper-thinner' | 'inheritance' | 'two-rounds';

export interface Rung {
  id: RungId;
  /** Short label for charts. */
  label: string;
  /** What this rung adds, for the table. */
  adds: string;
  tokenizer: 'big' | 'compact';
  shape: ArchCandidate;
  init: 'random' | 'inherit';
  rounds: 1 | 2;
}

/** The LLaMA FFN rate every rung uses, so that shapes differ only in depth, width and vocabulary. */
export const LADDER_MLP_RATIO = 8 / 3;

export interface LadderOptions {
  /** Parameter budget of every rung. */
  params: number;
  /** Relative tolerance of the budget; default 0.1. */
  tolerance?: number;
  bigVocab: number;
  compactVocab: number;
  teacher: LlamaConfig;
  /** Fewest layers of the shallow-wide baseline; default 2. */
  baselineLayers?: number;
}

export function ladderRungs(o: LadderOptions): Rung[] {
  if (!(o.compactVocab < o.bigVocab)) {
    throw new UsageError(`the compact vocabulary (${o.compactVocab}) must be smaller than the big one (${o.bigVocab})`);
  }
  const q = { params: o.params, tolerance: o.tolerance ?? 0.1, teacher: o.teacher, mlpRatios: [LADDER_MLP_RATIO] };
  const baseline = widest({ ...q, vocabSize: o.bigVocab }, { min: o.baselineLayers ?? 2 });
  const L = baseline.config.numLayers;
  const compact = widest({ ...q, vocabSize: o.compactVocab }, { min: L, max: L });
  const deeper = deepestInsideTeacher({ ...q, vocabSize: o.compactVocab }).chosen;
  if (deeper.config.numLayers <= L) {
    throw new UsageError(
      `the deepest shape that fits the teacher has ${deeper.config.numLayers} layers, no deeper than the baseline's ${L}: ` +
        'use a deeper teacher or a smaller parameter budget',
    );
  }
  return [
    {
      id: 'baseline',
      label: 'baseline',
      adds: 'big tokenizer, shallow-wide, random init, 1 round',
      tokenizer: 'big',
      shape: baseline,
      init: 'random',
      rounds: 1,
    },
    {
      id: 'compact-tokenizer',
      label: '+ compact tok.',
      adds: 'compact tokenizer (freed parameters widen the layers)',
      tokenizer: 'compact',
      shape: compact,
      init: 'random',
      rounds: 1,
    },
    {
      id: 'deeper-thinner',
      label: '+ deeper',
      adds: 'deeper-thinner shape from the search',
      tokenizer: 'compact',
      shape: deeper,
      init: 'random',
      rounds: 1,
    },
    {
      id: 'inheritance',
      label: '+ inheritance',
      adds: 'parameters inherited from the teacher',
      tokenizer: 'compact',
      shape: deeper,
      init: 'inherit',
      rounds: 1,
    },
    {
      id: 'two-rounds',
      label: '+ two rounds',
      adds: 'two rounds, the second refined by loss (same total steps)',
      tokenizer: 'compact',
      shape: deeper,
      init: 'inherit',
      rounds: 2,
    },
  ];
}

/**
 * Round-1 steps that give a two-round run `totalSteps` optimizer steps in all, round 2 being one
 * pass over the round(rate × batches) batches it draws (multi-round-trainer's `refinedRoundSize`
 * for a one-epoch round 1, batch granularity); `train` gets round 2's length as `refinedSteps`.
 */
export function firstRoundSteps(totalSteps: number, batches: number, batchSize: number, rate: number): number {
  const refined = refinedRoundSize({ batches, batchSize, sampleRate: rate, granularity: 'batch', gradAccum: 1 }).steps;
  const first = totalSteps - refined;
  if (first < refined) {
    throw new UsageError(
      `a budget of ${totalSteps} steps is too small for two rounds over ${batches} batches (round 2 alone draws ${refined}); raise --steps`,
    );
  }
  return first;
}
