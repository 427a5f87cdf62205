// `tinylm generate --model DIR --ids ... --max-new-tokens N [--greedy] [--json]`: continuation
// with a KV cache; sampling is seeded (--seed).
import { generate, loadHfModel } from '@tinylm/model';
import { intFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { BACKEND_FLAG, startBackend } from './backend-flag';
import type { Command } from './command';
import { parseIds } from './ids-flag';

const USAGE =
  'tinylm generate --model DIR --ids 1,2,3 --max-new-tokens N [--greedy] [--temperature T] [--top-k K] [--top-p P] [--seed S] [--json] [--backend NAME]';

function numberFlag(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number, got "${value}"`);
  return n;
}

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
        'max-new-tokens': { type: 'string' },
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
    if (values.prompt !== undefined) {
      throw new UsageError('--prompt needs a tokenizer; pass token ids with --ids (text prompts come with @tinylm/tokenizer-prune)');
    }
    const prompt = parseIds(values.ids);
    const maxNewTokens = intFlag('max-new-tokens', values['max-new-tokens'], 32, 0);
    await startBackend(values.backend, io, Boolean(values.json));
    const model = await loadHfModel(values.model as string);
    try {
      const out = await generate(model, prompt, {
        maxNewTokens,
        greedy: Boolean(values.greedy),
        temperature: numberFlag('temperature', values.temperature),
        topK: numberFlag('top-k', values['top-k']),
        topP: numberFlag('top-p', values['top-p']),
        seed: intFlag('seed', values.seed, 0, 0),
      });
      io.out(values.json ? JSON.stringify({ ids: out.ids }) : out.ids.join(','));
    } finally {
      model.dispose();
    }
    return 0;
  },
};
