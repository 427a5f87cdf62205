// `tinylm init --preset NAME | --config FILE --seed N --out DIR`: a randomly initialised model as
// a Hugging Face folder.
import { LlamaModel, saveHfModel } from '@tinylm/model';
import { intFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { BACKEND_FLAG, startBackend } from './backend-flag';
import type { Command } from './command';
import { CONFIG_FLAGS, configFromFlags } from './config-flags';
import { dtypeFlag } from './dtype-flag';
import { checkShapeFits } from '../memory-guard';
import { showValue } from '@tinylm/errors';

const USAGE =
  'tinylm init (--preset NAME | --config FILE) --out DIR [--seed N] [--init normal|scaled] [--dtype float32|float16|bfloat16] [--tokenizer DIR] [--force]';

export const initCommand: Command = {
  name: 'init',
  summary: 'write a randomly initialised model (Hugging Face folder)',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(
      argv,
      {
        ...CONFIG_FLAGS,
        ...BACKEND_FLAG,
        out: { type: 'string' },
        seed: { type: 'string' },
        init: { type: 'string' },
        dtype: { type: 'string' },
        tokenizer: { type: 'string' },
        force: { type: 'boolean' },
      },
      USAGE,
    );
    if (!values.out) throw new UsageError(`--out DIR is required\nusage: ${USAGE}`);
    const scheme = (values.init as string | undefined) ?? 'normal';
    if (scheme !== 'normal' && scheme !== 'scaled') throw new UsageError(`--init must be normal or scaled, got ${showValue(scheme)}`);
    const { config, name } = await configFromFlags(values);
    const seed = intFlag('seed', values.seed, 0, 0);
    const dtype = dtypeFlag(values.dtype) ?? 'float32';
    const backend = await startBackend(values, io);
    // refused before allocation: a small config.json can claim a model of exabytes
    const warning = checkShapeFits(config, { purpose: 'init', name, batch: 1, seqLen: 1, backend: backend.backend });
    if (warning) io.err(warning);
    const model = LlamaModel.create(config, { seed, scheme });
    const written = await saveHfModel(model, values.out as string, {
      dtype,
      force: Boolean(values.force),
      tokenizerDir: values.tokenizer as string | undefined,
    });
    io.err(`initialised ${name}: ${model.numParams().toLocaleString('en-US')} parameters, seed ${seed} -> ${written.dir}`);
    model.dispose();
    return 0;
  },
};
