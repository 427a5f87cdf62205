// `tinylm generate --model DIR (--ids ... | --prompt TEXT) --max-new-tokens N [--keep-special-tokens] [--greedy] [--json]`:
// continuation with a KV cache; sampling is seeded (--seed). A text prompt is encoded with the
// model folder's tokenizer (or --tokenizer), after its BOS token when it has one. The text leaves
// special tokens (EOS, chat markers) out unless --keep-special-tokens.
import { generate, loadHfModel } from '@tinylm/model';
import { loadTokenizer, type Tokenizer } from '@tinylm/tokenizer-prune';
import { intFlag, numberFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { BACKEND_FLAG, startBackend } from './backend-flag';
import type { Command } from './command';
import { parseIds } from './ids-flag';

const USAGE =
  'tinylm generate --model DIR (--ids 1,2,3 | --prompt TEXT [--tokenizer DIR]) --max-new-tokens N [--keep-special-tokens] [--greedy] [--temperature T] [--top-k K] [--top-p P] [--seed S] [--json] [--backend NAME] [--threads N]';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'continue a sequence of token ids with a model (greedy or sampled, KV-cached)',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(
      argv,
      {
        ...BACKEND_FLAG,
        model: { type: 'string' },
        ids: { type: 'string' },
        prompt: { type: 'string' },
        tokenizer: { type: 'string' },
        'max-new-tokens': { type: 'string' },
        'keep-special-tokens': { type: 'boolean' },
        greedy: { type: 'boolean' },
        temperature: { type: 'string' },
        'top-k': { type: 'string' },
        'top-p': { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    if (!values.model) throw new UsageError(`--model DIR is required\nusage: ${USAGE}`);
    if ((values.prompt === undefined) === (values.ids === undefined)) throw new UsageError('give exactly one of --ids and --prompt');
    // every flag is checked before a tokenizer or model is loaded
    const sampling = {
      greedy: Boolean(values.greedy),
      temperature: numberFlag('temperature', values.temperature),
      topK: values['top-k'] === undefined ? undefined : intFlag('top-k', values['top-k'], undefined, 0),
      topP: numberFlag('top-p', values['top-p'], undefined, { min: 0, max: 1 }),
      seed: intFlag('seed', values.seed, 0, 0),
    };
    const maxNewTokens = intFlag('max-new-tokens', values['max-new-tokens'], 32, 0);
    const ids = values.ids === undefined ? undefined : parseIds(values.ids);
    let tokenizer: Tokenizer | undefined;
    let prompt: number[];
    if (values.prompt !== undefined) {
      tokenizer = await loadTokenizer((values.tokenizer as string | undefined) ?? (values.model as string));
      prompt = [...(tokenizer.bosId === null ? [] : [tokenizer.bosId]), ...tokenizer.encode(values.prompt as string)];
    } else prompt = ids!;
    await startBackend(values, io, Boolean(values.json));
    const model = await loadHfModel(values.model as string);
    try {
      const out = await generate(model, prompt, {
        maxNewTokens,
        ...sampling,
        stopIds: tokenizer?.eosId === null || tokenizer === undefined ? undefined : [tokenizer.eosId],
      });
      // decode prompt + continuation together: decoders drop a leading space on a sequence's first token
      const skipSpecialTokens = values['keep-special-tokens'] !== true;
      const decode = (ids: number[]) => tokenizer!.decode(ids, { skipSpecialTokens });
      const text = tokenizer && decode([...prompt, ...out.ids]).slice(decode(prompt).length);
      if (values.json) io.out(JSON.stringify(text === undefined ? { ids: out.ids } : { ids: out.ids, text }));
      else io.out(text === undefined ? out.ids.join(',') : `${values.prompt as string}${text}`);
    } finally {
      model.dispose();
    }
    return 0;
  },
};
