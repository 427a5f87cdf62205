// A study: a set of arms measured side by side, with its own table, chart and verdict beside the
// paper's figure. `tinylm reproduce --study NAME` runs one; the ladder is the default.
import type { LlamaConfig } from '@tinylm/arch-config';
import type { Arm } from '../arm';
import type { ArmResult } from '../run-arms';
import type { Workspace } from '../workspace';

/** What a study's arms are built from (no training has happened yet). */
export interface StudyInputs {
  /** Packs of any tokenizer size (pruning it on first use). */
  pack: Workspace['pack'];
  /** Parameter budget of every arm (--params). */
  params: number;
  /** Optimizer steps of an arm at the reference budget (--steps). */
  steps: number;
  /** The teacher's ("big") and the compact vocabulary sizes. */
  bigVocab: number;
  compactVocab: number;
  /** The teacher's shape (inherited arms must fit inside it). */
  teacher: LlamaConfig;
  /** The sampling rate of refined rounds unless a study varies it. */
  sampleRate: number;
}

/** One study's report: markdown (a table and the verdict next to the paper's figure) and its charts. */
export interface StudyReport {
  /** Markdown lines, without the common header. */
  lines: string[];
  /** Chart files to write into the study's folder: name -> SVG text. */
  charts: Record<string, string>;
  /** The study's summary numbers, for results.json. */
  summary: unknown;
}

export interface Study {
  /** The `--study` name, also its folder in the output directory. */
  name: string;
  title: string;
  /** What the paper measured, in one sentence with its numbers. */
  paper: string;
  /** The arms, in report order. Refuses (UsageError naming the flag) a budget too small for the study. */
  arms(inputs: StudyInputs): Promise<Arm[]>;
  report(results: readonly ArmResult[], inputs: StudyInputs): StudyReport;
}
