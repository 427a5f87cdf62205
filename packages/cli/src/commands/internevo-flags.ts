// The flags of `tinylm arch emit --format internevo`: which InternEvo line, the warm start
// (model-only folder, its checkpoint type, rotary layout), the sequence length and the parallel
// layout. They become arch-config's `emitInternEvoConfig` options; a refusal of the emitter that
// names one of its options is re-thrown as a UsageError naming the flag. A --load-model-only
// folder on this machine is checked first (internevo-folder.ts).
import {
  emitInternEvoConfig,
  type InternEvoEmitOptions,
  InvalidArgumentError,
  type LlamaConfig,
  resolveInternEvoVersion,
} from '@tinylm/arch-config';
import { choiceFlag, intFlag, UsageError } from '../args';
import { checkModelOnlyFolder } from './internevo-folder';

export const INTERNEVO_FLAGS = {
  'internevo-version': { type: 'string' },
  'load-model-only': { type: 'string' },
  'from-scratch': { type: 'boolean' },
  'load-ckpt-type': { type: 'string' },
  rotary: { type: 'string' },
  seq: { type: 'string' },
  'data-parallel': { type: 'string' },
  zero1: { type: 'string' },
  'tensor-parallel': { type: 'string' },
  'pipeline-parallel': { type: 'string' },
  'job-name': { type: 'string' },
  'train-folder': { type: 'string' },
} as const;

export const INTERNEVO_USAGE =
  'tinylm arch emit --format internevo (--preset NAME | --config FILE) (--load-model-only DIR [--load-ckpt-type internevo|hf|llama] | --from-scratch) ' +
  '[--internevo-version v0.3|v0.3.4|latest] [--rotary half|interleaved] [--seq N] [--data-parallel 8] [--zero1 N] ' +
  '[--tensor-parallel 1] [--pipeline-parallel 1] [--job-name NAME] [--train-folder DIR]';

// emitInternEvoConfig's option names and the flags that set them.
const FLAG_OF: Record<string, string> = {
  internevoVersion: 'internevo-version',
  modelOnlyFolder: 'load-model-only',
  loadCkptType: 'load-ckpt-type',
  rotary: 'rotary',
  seqLen: 'seq',
  dataParallel: 'data-parallel',
  zero1Size: 'zero1',
  tensorParallel: 'tensor-parallel',
  pipelineParallel: 'pipeline-parallel',
  jobName: 'job-name',
  trainFolder: 'train-folder',
};

/** The first InternEvo-only flag that is set (refused with --format hf), if any. */
export function internEvoFlagGiven(values: Record<string, unknown>): string | undefined {
  return Object.keys(INTERNEVO_FLAGS).find((f) => values[f] !== undefined);
}

const optionalInt = (flag: string, value: unknown) => (value === undefined ? undefined : intFlag(flag, value));

/** emitInternEvoConfig's options from the flags. */
export function internEvoOptionsFromFlags(values: Record<string, unknown>, mlpRatio: number | undefined): InternEvoEmitOptions {
  const folder = values['load-model-only'] as string | undefined;
  if (folder !== undefined && values['from-scratch'])
    throw new UsageError('give --load-model-only DIR or --from-scratch, not both', { field: '--from-scratch' });
  if (folder === undefined && !values['from-scratch']) {
    throw new UsageError(
      '--load-model-only DIR or --from-scratch is required: the authors started from the pruned model (MODEL_ONLY_FOLDER); ' +
        'say which weights the run starts from, or that it trains from scratch',
      { field: '--load-model-only' },
    );
  }
  if (folder === '') throw new UsageError('--load-model-only needs a folder, got ""', { field: '--load-model-only' });
  const version = values['internevo-version'] as string | undefined;
  if (version !== undefined) {
    try {
      resolveInternEvoVersion(version, '--internevo-version');
    } catch (e) {
      throw new UsageError((e as Error).message, { field: '--internevo-version', cause: e });
    }
  }
  const loadCkptType = choiceFlag('load-ckpt-type', values['load-ckpt-type'], ['internevo', 'hf', 'llama'] as const);
  if (loadCkptType !== undefined && folder === undefined)
    throw new UsageError('--load-ckpt-type is the type of the --load-model-only folder; give that folder too', {
      field: '--load-ckpt-type',
    });
  const options: InternEvoEmitOptions = {
    internevoVersion: version,
    modelOnlyFolder: folder,
    loadCkptType,
    rotary: choiceFlag('rotary', values.rotary, ['half', 'interleaved'] as const),
    seqLen: optionalInt('seq', values.seq),
    dataParallel: optionalInt('data-parallel', values['data-parallel']),
    zero1Size: optionalInt('zero1', values.zero1),
    tensorParallel: optionalInt('tensor-parallel', values['tensor-parallel']),
    pipelineParallel: optionalInt('pipeline-parallel', values['pipeline-parallel']),
    jobName: values['job-name'] as string | undefined,
    trainFolder: values['train-folder'] as string | undefined,
    mlpRatio,
  };
  if (folder !== undefined) {
    // A folder on this machine: the shards' split becomes the run's unless given (and must match).
    const facts = checkModelOnlyFolder(folder, loadCkptType ?? 'internevo', version, options);
    options.tensorParallel ??= facts?.tensorParallel;
    options.pipelineParallel ??= facts?.pipelineParallel;
  }
  return options;
}

/** The config file's text; an option the emitter refuses is reported under its flag. */
export function emitInternEvoFromFlags(config: LlamaConfig, options: InternEvoEmitOptions): string {
  try {
    return emitInternEvoConfig(config, options);
  } catch (e) {
    if (InvalidArgumentError.isInstance(e)) {
      const flag = FLAG_OF[(e as InvalidArgumentError).field];
      if (flag !== undefined) throw new UsageError(`--${flag}: ${(e as Error).message}`, { field: `--${flag}`, cause: e });
    }
    throw e;
  }
}
