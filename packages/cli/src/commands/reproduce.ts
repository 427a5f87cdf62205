// `tinylm reproduce`: the paper's ladder and ablations at tiny scale (see ../reproduce/run.ts).
import { intFlag, numberFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { BASE_BUDGET, scaledBudget } from '../reproduce/budget';
import { runReproduce } from '../reproduce/run';
import { STUDY_NAMES, type StudyName } from '../reproduce/studies';
import type { Command } from './command';
import { RECIPE_FLAGS, recipeOptions } from './recipe-flags';
import { showValue } from '@tinylm/errors';

const b = BASE_BUDGET;
const USAGE =
  `tinylm reproduce [--study ${STUDY_NAMES.join('|')}|all] [--scale 1] [--seeds ${b.seeds}] [--out ./tinylm-reproduce] [--fresh]\n` +
  '                 [--corpus DIR] [--teacher HF_DIR] [--backend NAME] [--threads N]\n' +
  `                 [--params ${b.params}] [--steps ${b.steps}] [--teacher-steps ${b.teacherSteps}] [--teacher-vocab 4096] [--student-vocab 2048]\n` +
  `                 [--student-bytes ${b.studentBytes}] [--teacher-bytes ${b.teacherBytes}] [--lr 2e-3] [--sample-rate 0.5] [--seq ${b.seq}] [--batch ${b.batch}]\n` +
  "  --scale N multiplies the steps, the student text, the teacher's steps and text (the defaults take under an hour on 2 CPU cores)";

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: "the paper's ladder (baseline, + compact tokenizer, + deeper, + inheritance, + two rounds) and its ablations at tiny scale",
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(
      argv,
      {
        ...RECIPE_FLAGS,
        study: { type: 'string' },
        scale: { type: 'string' },
        params: { type: 'string' },
        steps: { type: 'string' },
        seeds: { type: 'string' },
        lr: { type: 'string' },
        'sample-rate': { type: 'string' },
        'teacher-bytes': { type: 'string' },
      },
      USAGE,
    );
    const studies = parseStudies(values.study as string | undefined);
    const scale = numberFlag('scale', values.scale, 1, { above: 0 }) as number;
    const budget = scaledBudget(scale);
    const sampleRate = numberFlag('sample-rate', values['sample-rate'], 0.5, { above: 0 }) as number;
    if (!(sampleRate < 1)) throw new UsageError(`--sample-rate must be in (0, 1), got ${sampleRate}`);
    // the study's own numbers are checked before recipeOptions starts the backend
    const own = {
      params: intFlag('params', values.params, budget.params),
      steps: intFlag('steps', values.steps, budget.steps),
      seeds: intFlag('seeds', values.seeds, budget.seeds),
      lr: numberFlag('lr', values.lr, 2e-3, { above: 0 }) as number,
      teacherBytes: intFlag('teacher-bytes', values['teacher-bytes'], budget.teacherBytes),
    };
    const options = await recipeOptions(values, io, {
      out: 'tinylm-reproduce',
      teacherVocab: 4096,
      studentVocab: 2048,
      teacherSteps: budget.teacherSteps,
      batch: budget.batch,
      seq: budget.seq,
      studentBytes: budget.studentBytes,
    });
    const results = await runReproduce(
      {
        ...options,
        studies,
        ...own,
        sampleRate,
        valBytes: budget.valBytes,
        command: ['tinylm', 'reproduce', ...argv].join(' '),
      },
      io,
    );
    for (const r of results)
      io.out([`## ${r.study.name}: ${r.study.title}`, '', ...r.lines.filter((l) => l.startsWith('|')), ''].join('\n'));
    return 0;
  },
};

function parseStudies(value: string | undefined): StudyName[] {
  if (value === undefined) return ['ladder'];
  if (value === 'all') return [...STUDY_NAMES];
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(STUDY_NAMES as string[]).includes(n))
      throw new UsageError(`--study: unknown study ${showValue(n)}; allowed: ${STUDY_NAMES.join(', ')}, all (or a comma-separated list)`);
  }
  return [...new Set(names)] as StudyName[];
}
