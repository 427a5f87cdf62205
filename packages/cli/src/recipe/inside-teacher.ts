// The shapes a teacher can initialise by parameter inheritance: its head size, and no more
// layers, width, FFN neurons or heads than it has. One home for the rule `tinylm demo`,
// `tinylm reproduce` and `tinylm arch search --inside` apply.
import type { ArchCandidate, LlamaConfig, SearchOptions } from '@tinylm/arch-config';

/** Search bounds from the teacher: its head size, depth and width as maxima, its RoPE base and context. */
export function insideTeacherBounds(teacher: LlamaConfig): Pick<SearchOptions, 'headSizes' | 'maxLayers' | 'maxHidden' | 'base'> {
  return {
    headSizes: [teacher.hiddenSize / teacher.numHeads],
    maxLayers: teacher.numLayers,
    maxHidden: teacher.hiddenSize,
    base: { maxPositionEmbeddings: teacher.maxPositionEmbeddings, ropeTheta: teacher.ropeTheta, rmsNormEps: teacher.rmsNormEps },
  };
}

/** True when the candidate needs no more FFN neurons and heads than the teacher has (the bounds above cover the rest). */
export function fitsInsideTeacher(candidate: ArchCandidate, teacher: LlamaConfig): boolean {
  return candidate.config.intermediateSize <= teacher.intermediateSize && candidate.config.numHeads <= teacher.numHeads;
}
