// Every tokenizer-prune entry point that takes an options object refuses an unknown key (naming
// the nearest allowed one), a value of the wrong type and a missing required key; valid options
// pass the check (a later error, such as a missing file, is not an OptionsError).
import { OptionsError } from '@tinylm/errors';
import { describe, expect, it } from 'vitest';
import { QWEN3_DIR } from './__fixtures__/hf';
import { countTokens, loadTokenizer, pruneTokenizer } from './index';

const missing = '/nonexistent/tinylm-options-test';
const tokenizerJson = QWEN3_DIR;

interface Entry {
  name: string;
  call: (options: never) => unknown;
  valid: Record<string, unknown>;
  nearMiss: [string, string];
  wrongType: [string, unknown];
  required?: string;
}

const entries: Entry[] = [
  {
    name: 'pruneTokenizer',
    call: (o) => pruneTokenizer(o),
    valid: { tokenizer: missing, counts: `${missing}.json`, vocabSize: 300, out: `${missing}-out`, model: { hiddenSize: 64 } },
    nearMiss: ['vocab_size', 'vocabSize'],
    wrongType: ['vocabSize', '2000'],
    required: 'counts',
  },
  { name: 'countTokens', call: (o) => countTokens(o), valid: { tokenizer: missing, inputs: [`${missing}.txt`], workers: 0 }, nearMiss: ['textfield', 'textField'], wrongType: ['inputs', 'corpus.txt'], required: 'tokenizer' },
  { name: 'decode', call: (o) => loadTokenizer(tokenizerJson).then((t) => t.decode([1], o)), valid: { skipSpecialTokens: true }, nearMiss: ['skip_special_tokens', 'skipSpecialTokens'], wrongType: ['skipSpecialTokens', 'yes'] },
];

async function outcome(entry: Entry, options: Record<string, unknown>): Promise<unknown> {
  try {
    await entry.call(options as never);
    return undefined;
  } catch (e) {
    return e;
  }
}

async function refusal(entry: Entry, options: Record<string, unknown>): Promise<OptionsError> {
  const e = await outcome(entry, options);
  if (OptionsError.isInstance(e)) return e;
  throw new Error(`${entry.name} did not refuse ${JSON.stringify(options)}: ${String(e)}`);
}

describe.each(entries)('$name options', (entry) => {
  it('passes valid options', async () => {
    expect(OptionsError.isInstance(await outcome(entry, entry.valid))).toBe(false);
  });

  it('refuses a misspelled key, naming the one meant and the allowed ones', async () => {
    const [typo, meant] = entry.nearMiss;
    expect((await refusal(entry, { ...entry.valid, [typo]: 1 })).message).toContain(`${entry.name}: ${typo}: unknown option (did you mean ${meant}?); allowed: `);
  });

  it('refuses a value of the wrong type, naming the key', async () => {
    const [key, value] = entry.wrongType;
    expect((await refusal(entry, { ...entry.valid, [key]: value })).issues.map((i) => i.path)).toEqual([key]);
  });

  it.runIf(entry.required !== undefined)('refuses a missing required key, naming it', async () => {
    const { [entry.required as string]: _left, ...rest } = entry.valid;
    expect((await refusal(entry, rest)).issues.map((i) => i.path)).toEqual([entry.required]);
  });
});

describe('pruneTokenizer', () => {
  it('says vocabSize has the wrong type instead of "2000 is not possible"', async () => {
    const e = await refusal(entries[0], { ...entries[0].valid, vocabSize: '2000' });
    expect(e.message).toBe('pruneTokenizer: vocabSize: Invalid input: expected number, received string (got "2000")');
  });

  it('checks the nested model options', async () => {
    const e = await refusal(entries[0], { ...entries[0].valid, model: { hidden_size: 64 } });
    expect(e.message).toContain('pruneTokenizer: model.hidden_size: unknown option (did you mean hiddenSize?)');
  });
});
