// `tinylm eval --model DIR --data FILES [--json]`: held-out loss, perplexity and bits per byte.
import { evaluate, loadPacked } from '@tinylm/multi-round-trainer';
import { loadHfModel } from '@tinylm/model';
import { loadTokenizer } from '@tinylm/tokenizer-prune';
import { intFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { BACKEND_FLAG, startBackend } from './backend-flag';
import type { Command } from './command';

const USAGE =
  'tinylm eval --model DIR --data FILES... [--tokenizer DIR] [--seq N] [--max-sequences N] [--json] [--backend NAME] [--threads N]';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'held-out loss, perplexity and bits per byte of a model on text or token files',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(
      argv,
      {
        ...BACKEND_FLAG,
        model: { type: 'string' },
        data: { type: 'string', multiple: true },
        tokenizer: { type: 'string' },
        seq: { type: 'string' },
        'max-sequences': { type: 'string' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    if (!values.model) throw new UsageError(`--model DIR is required\nusage: ${USAGE}`);
    const files = values.data as string[] | undefined;
    if (!files?.length) throw new UsageError(`--data FILES is required\nusage: ${USAGE}`);
    // flags are checked before the model is loaded (--seq's default depends on it)
    const givenSeq = values.seq === undefined ? undefined : intFlag('seq', values.seq);
    const maxSequences = values['max-sequences'] === undefined ? undefined : intFlag('max-sequences', values['max-sequences']);
    await startBackend(values, io, Boolean(values.json));
    const model = await loadHfModel(values.model as string);
    // the model folder's own tokenizer unless one is named
    const tokenizer = await loadTokenizer((values.tokenizer as string | undefined) ?? (values.model as string)).catch((e) => {
      if (values.tokenizer) throw e;
      return undefined;
    });
    const seq = givenSeq ?? Math.min(256, model.config.maxPositionEmbeddings);
    const data = await loadPacked(files, { seqLen: seq, vocabSize: model.config.vocabSize, tokenizer });
    const r = await evaluate(model, data, { tokenizer, maxSequences });
    model.dispose();
    if (values.json) io.out(JSON.stringify({ loss: r.loss, perplexity: r.perplexity, bits_per_byte: r.bitsPerByte, tokens: r.tokens }));
    else
      io.out(
        `loss ${r.loss.toFixed(4)}  perplexity ${r.perplexity.toFixed(2)}  bits/byte ${r.bitsPerByte === null ? 'n/a (no tokenizer)' : r.bitsPerByte.toFixed(4)}  over ${r.tokens.toLocaleString('en-US')} tokens`,
      );
    return 0;
  },
};
