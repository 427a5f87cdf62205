// The default budget of `tinylm reproduce`, sized to finish the ladder (3 seeds) in under an hour
// on two CPU cores with the blas backend, and `--scale` to multiply it. A scale multiplies every
// arm's steps, the student text (so the epochs stay the same), the teacher's steps and text.
import { type LlamaConfig, resolveConfig } from '@tinylm/arch-config';

export interface ReproduceBudget {
  /** Parameters of every arm. */
  params: number;
  /** Optimizer steps of every arm (the ladder's rungs; a study's reference arm). */
  steps: number;
  batch: number;
  seq: number;
  /** UTF-8 bytes per language of the student text: about two epochs of `steps` under the compact tokenizer. */
  studentBytes: number;
  teacherSteps: number;
  /** UTF-8 bytes per language of the teacher's text: about one epoch of its steps. */
  teacherBytes: number;
  valBytes: number;
  seeds: number;
}

export const BASE_BUDGET: ReproduceBudget = {
  params: 5_000_000,
  steps: 200,
  batch: 16,
  seq: 128,
  studentBytes: 270_000,
  teacherSteps: 500,
  teacherBytes: 1_600_000,
  valBytes: 25_000,
  seeds: 3,
};

export function scaledBudget(scale: number): ReproduceBudget {
  const b = BASE_BUDGET;
  const times = (x: number) => Math.max(1, Math.round(x * scale));
  return {
    ...b,
    steps: times(b.steps),
    studentBytes: times(b.studentBytes),
    teacherSteps: times(b.teacherSteps),
    teacherBytes: times(b.teacherBytes),
  };
}

/**
 * The teacher `reproduce` trains: 12 × 256 (FFN 704, 8 heads of 32), about 11.7 M parameters with a
 * 4,096-token vocabulary, so every ~5 M student the studies compare fits inside it (deeper-thinner
 * students of 10 × 192 lose two layers and a quarter of the width when they inherit).
 */
export function reproduceTeacherConfig(vocabSize: number, maxPositions = 256): LlamaConfig {
  return resolveConfig({
    vocabSize,
    hiddenSize: 256,
    numLayers: 12,
    numHeads: 8,
    intermediateSize: 704,
    maxPositionEmbeddings: maxPositions,
  });
}
