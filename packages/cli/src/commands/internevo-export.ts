// Writing InternEvo shards from the CLI: the flags both `tinylm convert2hf --internevo DIR` (any
// Hugging Face LLaMA folder) and `tinylm inherit --format internevo` take, and the summary they
// print. A thin layer over @tinylm/convert2hf's writeInternEvoCheckpoint; the split and layout
// are checked there and its refusals name the option, which is re-worded here as the flag.
import { type WriteInternEvoOptions, type WrittenInternEvo, writeInternEvoCheckpoint } from '@tinylm/convert2hf';
import { join } from 'node:path';
import { InvalidArgumentError } from '@tinylm/errors';
import { choiceFlag, intFlag, UsageError } from '../args';
import type { CliIo } from '../io';
import { dtypeFlag } from './dtype-flag';

export const INTERNEVO_EXPORT_FLAGS = {
  'tensor-parallel': { type: 'string' },
  'pipeline-parallel': { type: 'string' },
  rotary: { type: 'string' },
  w2: { type: 'string' },
} as const;

export const INTERNEVO_EXPORT_USAGE = '[--tensor-parallel 1] [--pipeline-parallel 1] [--rotary half|interleaved] [--w2 down|up]';

const FLAG_OF: Record<string, string> = { tp: 'tensor-parallel', pp: 'pipeline-parallel', rotary: 'rotary', w2: 'w2', dtype: 'dtype' };

/** writeInternEvoCheckpoint's options from the flags (numbers checked before anything is read). */
export function internEvoExportOptions(values: Record<string, unknown>): WriteInternEvoOptions {
  return {
    tp: intFlag('tensor-parallel', values['tensor-parallel'], 1),
    pp: intFlag('pipeline-parallel', values['pipeline-parallel'], 1),
    rotary: choiceFlag('rotary', values.rotary, ['half', 'interleaved'] as const),
    w2: choiceFlag('w2', values.w2, ['down', 'up'] as const),
    dtype: dtypeFlag(values.dtype),
    force: Boolean(values.force),
  };
}

/** Writes the shards; a refused split or layout comes back as a UsageError naming the flag. */
export async function writeInternEvoFromFlags(hfFolder: string, outDir: string, options: WriteInternEvoOptions): Promise<WrittenInternEvo> {
  try {
    return await writeInternEvoCheckpoint(hfFolder, outDir, options);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) {
      const option = Object.keys(FLAG_OF).find((o) => error.field === o || error.field.endsWith(`.${o}`));
      if (option) throw new UsageError(`--${FLAG_OF[option]}: ${error.message}`, { field: `--${FLAG_OF[option]}`, cause: error });
    }
    throw error;
  }
}

/** The lines a user needs to train on the shards: what was written and the config keys that must agree. */
export function reportInternEvo(io: CliIo, written: WrittenInternEvo, hfFolder: string): void {
  for (const note of written.notes) io.err(`note: ${note}`);
  const stages = written.stages.map(([a, b]) => `${a}-${b - 1}`).join(', ');
  io.err(
    `wrote ${written.dir}: ${written.files.length} InternEvo shards (tp ${written.tp} x pp ${written.pp}, layers per stage ${stages}, ` +
      `${written.dtype}, rotary ${written.rotary}, w2 = ${written.w2} projection) and model_config.pt`,
  );
  io.err(
    `  a config to train on them: tinylm arch emit --format internevo --config ${join(hfFolder, 'config.json')} ` +
      `--load-model-only ${written.dir} --load-ckpt-type internevo --tensor-parallel ${written.tp} --pipeline-parallel ${written.pp} --rotary ${written.rotary}`,
  );
}
