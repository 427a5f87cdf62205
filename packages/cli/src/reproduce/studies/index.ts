// The studies `tinylm reproduce --study` runs, by name, in the order `--study all` runs them.
import { depthStudy } from './depth';
import { inheritStudy } from './inherit';
import { ladderStudy } from './ladder';
import { roundsStudy } from './rounds';
import type { Study } from './study';
import { vocabStudy } from './vocab';

export const STUDIES = {
  ladder: ladderStudy,
  vocab: vocabStudy,
  depth: depthStudy,
  inherit: inheritStudy,
  rounds: roundsStudy,
} as const satisfies Record<string, Study>;
export type StudyName = keyof typeof STUDIES;
export const STUDY_NAMES = Object.keys(STUDIES) as StudyName[];
