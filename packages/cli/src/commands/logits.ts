// `tinylm logits --model DIR --ids 1,2,3 [--json]`: raw logits at every position, for interop
// checks against other implementations (PyTorch, llama.cpp).
import * as tf from '@tensorflow/tfjs-core';
import { loadHfModel } from '@tinylm/model';
import { parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { BACKEND_FLAG, startBackend } from './backend-flag';
import type { Command } from './command';
import { parseIds } from './ids-flag';

const USAGE = 'tinylm logits --model DIR --ids 1,2,3 [--json] [--backend NAME] [--threads N]';

export const logitsCommand: Command = {
  name: 'logits',
  summary: 'print the logits of a model for given token ids (JSON {"logits": [[...], ...]})',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(
      argv,
      { ...BACKEND_FLAG, model: { type: 'string' }, ids: { type: 'string' }, json: { type: 'boolean' } },
      USAGE,
    );
    if (!values.model) throw new UsageError(`--model DIR is required\nusage: ${USAGE}`);
    const ids = parseIds(values.ids);
    await startBackend(values, io, Boolean(values.json));
    const model = await loadHfModel(values.model as string);
    const bad = ids.find((id) => id >= model.config.vocabSize);
    if (bad !== undefined) throw new UsageError(`--ids: ${bad} is outside the model's vocabulary [0, ${model.config.vocabSize})`);
    const logits = model.forward(tf.tensor2d([ids], [1, ids.length], 'int32'));
    const rows = ((await logits.array()) as number[][][])[0];
    logits.dispose();
    model.dispose();
    if (values.json) io.out(JSON.stringify({ logits: rows }));
    else
      rows.forEach((row, i) =>
        io.out(
          `${i}\t${ids[i]}\t${row
            .slice(0, 8)
            .map((v) => v.toFixed(5))
            .join(' ')}${row.length > 8 ? ' ...' : ''}`,
        ),
      );
    return 0;
  },
};
