// Fixtures of the study tests (not part of the package: only the *.test.ts files import it): a
// small teacher, packs that know only their bytes per token and batch count, and results of
// synthetic seeds around a chosen mean, so a report's verdicts can be driven from the tests.
import { type LlamaConfig, resolveConfig } from '@tinylm/arch-config';
import type { Arm } from '../arm';
import type { ArmResult } from '../run-arms';
import type { Pack } from '../workspace';
import type { StudyInputs } from './study';

/** An 8 × 192 teacher with a 4,096-token vocabulary: big enough to hold ~1.2 M-parameter students. */
export const SMALL_TEACHER: LlamaConfig = resolveConfig({
  vocabSize: 4096,
  hiddenSize: 192,
  numLayers: 8,
  numHeads: 6,
  intermediateSize: 512,
  maxPositionEmbeddings: 256,
});

/** A pack per vocabulary size with only what building arms reads: bytes per token and the batch count. */
export const fakePacks =
  (bytesPerToken: (vocab: number) => number, batches: (vocab: number) => number = () => 40) =>
  (vocab: number) =>
    Promise.resolve({ trainBytesPerToken: bytesPerToken(vocab), batches: batches(vocab) } as Pack);

/** Study inputs with the big (4,096) and compact (2,048) vocabularies and sampling rate 0.5 unless given. */
export const studyInputs = (o: Pick<StudyInputs, 'pack' | 'params' | 'steps' | 'teacher'> & Partial<StudyInputs>): StudyInputs => ({
  bigVocab: 4096,
  compactVocab: 2048,
  sampleRate: 0.5,
  ...o,
});

/**
 * `seeds` seeds per arm at bits per byte `bpb(arm)`, spread evenly `spread` apart in all (seed k
 * of 3 at mean + (k − 1) × spread / 2), each `tokens` tokens over `textBytes(arm)` bytes.
 */
export function seededResults(
  arms: readonly Arm[],
  bpb: (a: Arm) => number,
  spread: number,
  o: { seeds?: number; tokens?: number; textBytes?: (a: Arm) => number } = {},
): ArmResult[] {
  const seeds = o.seeds ?? 3;
  const tokens = o.tokens ?? 1;
  return arms.flatMap((arm) =>
    Array.from(
      { length: seeds },
      (_, seed) =>
        ({
          arm,
          seed,
          config: arm.shape.config,
          heldOutBitsPerByte: bpb(arm) + (seeds > 1 ? ((seed - (seeds - 1) / 2) * spread) / (seeds - 1) : 0),
          tokens,
          textBytes: o.textBytes?.(arm) ?? tokens,
          seconds: 1,
          metrics: [],
        }) as unknown as ArmResult,
    ),
  );
}

/** The report's verdict line that starts with `start` (after the bold), or '' when there is none. */
export const verdictLine = (lines: readonly string[], start: string) => lines.find((l) => l.startsWith(`- **${start}`)) ?? '';
