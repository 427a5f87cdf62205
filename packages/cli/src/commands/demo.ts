// `tinylm demo`: the whole recipe end to end on the bundled corpus (see ../demo/pipeline.ts).
import { intFlag, parseFlags } from '../args';
import type { CliIo } from '../io';
import { runDemo } from '../demo/pipeline';
import { BACKEND_FLAG, startBackend } from './backend-flag';
import type { Command } from './command';

const USAGE =
  'tinylm demo [--out ./tinylm-demo] [--fresh] [--corpus DIR] [--teacher HF_DIR] [--backend NAME]\n' +
  '            [--teacher-vocab 8192] [--student-vocab 4096] [--student-params 1500000] [--teacher-steps 120] [--seq 64] [--batch 8]';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'the whole recipe on the bundled corpus: prune a tokenizer, search a shape, inherit, train 2 rounds, export, report',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(
      argv,
      {
        ...BACKEND_FLAG,
        out: { type: 'string' },
        fresh: { type: 'boolean' },
        corpus: { type: 'string' },
        teacher: { type: 'string' },
        'teacher-vocab': { type: 'string' },
        'student-vocab': { type: 'string' },
        'student-params': { type: 'string' },
        'teacher-steps': { type: 'string' },
        seq: { type: 'string' },
        batch: { type: 'string' },
      },
      USAGE,
    );
    const backend = await startBackend(values.backend, io);
    await runDemo(
      {
        out: (values.out as string | undefined) ?? 'tinylm-demo',
        fresh: Boolean(values.fresh),
        corpus: values.corpus as string | undefined,
        teacher: values.teacher as string | undefined,
        backend,
        teacherVocab: intFlag('teacher-vocab', values['teacher-vocab'], 8192),
        studentVocab: intFlag('student-vocab', values['student-vocab'], 4096),
        studentParams: intFlag('student-params', values['student-params'], 1_500_000),
        teacherSteps: intFlag('teacher-steps', values['teacher-steps'], 120),
        seq: intFlag('seq', values.seq, 64),
        batch: intFlag('batch', values.batch, 8),
      },
      io,
    );
    return 0;
  },
};
