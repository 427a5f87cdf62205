// `tinylm demo`: the whole recipe end to end on the bundled corpus (see ../demo/pipeline.ts).
import { intFlag, parseFlags } from '../args';
import type { CliIo } from '../io';
import { runDemo } from '../demo/pipeline';
import type { Command } from './command';
import { RECIPE_FLAGS, recipeOptions } from './recipe-flags';

const USAGE =
  'tinylm demo [--out ./tinylm-demo] [--fresh] [--corpus DIR] [--teacher HF_DIR] [--backend NAME] [--threads N]\n' +
  '            [--teacher-vocab 8192] [--student-vocab 4096] [--student-params 1500000] [--teacher-steps 300] [--seq 64] [--batch 16] [--student-bytes 300000]';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'the whole recipe on the bundled corpus: prune a tokenizer, search a shape, inherit, train 2 rounds, export, report',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(argv, { ...RECIPE_FLAGS, 'student-params': { type: 'string' } }, USAGE);
    const studentParams = intFlag('student-params', values['student-params'], 1_500_000);
    const options = await recipeOptions(values, io, {
      out: 'tinylm-demo',
      teacherVocab: 8192,
      studentVocab: 4096,
      teacherSteps: 300,
      batch: 16,
      studentBytes: 300_000,
    });
    await runDemo({ ...options, studentParams }, io);
    return 0;
  },
};
