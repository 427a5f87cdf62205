// `tinylm reproduce`: the paper's improvement ladder at tiny scale (see ../reproduce/run.ts).
import { intFlag, numberFlag, parseFlags } from '../args';
import type { CliIo } from '../io';
import { ladderTable, summarize } from '../reproduce/report';
import { runReproduce } from '../reproduce/run';
import type { Command } from './command';
import { RECIPE_FLAGS, recipeOptions } from './recipe-flags';

const USAGE =
  'tinylm reproduce [--out ./tinylm-reproduce] [--fresh] [--corpus DIR] [--teacher HF_DIR] [--backend NAME] [--threads N]\n' +
  '                 [--params 1200000] [--steps N] [--seeds 1] [--teacher-steps 200] [--teacher-vocab 4096] [--student-vocab 2048]\n' +
  '                 [--student-bytes 100000] [--lr 2e-3] [--seq 64] [--batch 8]';

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: "the paper's improvement ladder at tiny scale: baseline, + compact tokenizer, + deeper, + inheritance, + two rounds",
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(
      argv,
      { ...RECIPE_FLAGS, params: { type: 'string' }, steps: { type: 'string' }, seeds: { type: 'string' }, lr: { type: 'string' } },
      USAGE,
    );
    const own = {
      params: intFlag('params', values.params, 1_200_000),
      steps: values.steps === undefined ? undefined : intFlag('steps', values.steps),
      seeds: intFlag('seeds', values.seeds, 1),
      lr: numberFlag('lr', values.lr, 2e-3, Number.MIN_VALUE) as number,
      command: ['tinylm', 'reproduce', ...argv].join(' '),
    };
    const options = await recipeOptions(values, io, {
      out: 'tinylm-reproduce',
      teacherVocab: 4096,
      studentVocab: 2048,
      teacherSteps: 200,
      studentBytes: 100_000,
    });
    const result = await runReproduce({ ...options, ...own }, io);
    io.out(ladderTable(summarize(result.results), own.seeds).join('\n'));
    return 0;
  },
};
