// The flags `tinylm demo` and `tinylm reproduce` share (where, which corpus and teacher, the
// vocabulary sizes, the teacher's steps, the batch shape) and their parsing.
import { intFlag, type ParsedFlags } from '../args';
import type { CliIo } from '../io';
import type { RecipeOptions } from '../recipe/steps';
import { BACKEND_FLAG, startBackend } from './backend-flag';

export const RECIPE_FLAGS = {
  ...BACKEND_FLAG,
  out: { type: 'string' },
  fresh: { type: 'boolean' },
  corpus: { type: 'string' },
  teacher: { type: 'string' },
  'teacher-vocab': { type: 'string' },
  'student-vocab': { type: 'string' },
  'teacher-steps': { type: 'string' },
  seq: { type: 'string' },
  batch: { type: 'string' },
  'student-bytes': { type: 'string' },
} as const;

export interface RecipeDefaults {
  out: string;
  teacherVocab: number;
  studentVocab: number;
  teacherSteps: number;
  /** Sequences per batch (default 8). */
  batch?: number;
  /** Tokens per sequence (default 64). */
  seq?: number;
  /** UTF-8 bytes per language of the students' training text. */
  studentBytes: number;
}

/** Parses the shared flags and starts the backend. */
export async function recipeOptions(values: ParsedFlags['values'], io: CliIo, d: RecipeDefaults): Promise<RecipeOptions> {
  const options = {
    out: (values.out as string | undefined) ?? d.out,
    fresh: Boolean(values.fresh),
    corpus: values.corpus as string | undefined,
    teacher: values.teacher as string | undefined,
    teacherVocab: intFlag('teacher-vocab', values['teacher-vocab'], d.teacherVocab),
    studentVocab: intFlag('student-vocab', values['student-vocab'], d.studentVocab),
    teacherSteps: intFlag('teacher-steps', values['teacher-steps'], d.teacherSteps),
    seq: intFlag('seq', values.seq, d.seq ?? 64),
    batch: intFlag('batch', values.batch, d.batch ?? 8),
    studentBytes: intFlag('student-bytes', values['student-bytes'], d.studentBytes),
  };
  return { ...options, backend: await startBackend(values, io) };
}
