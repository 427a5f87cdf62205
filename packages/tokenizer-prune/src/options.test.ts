// Every tokenizer-prune entry point that takes an options object refuses an unknown key (naming
// the nearest allowed one), a value of the wrong type and a missing required key; valid options
// pass the check (a later error, such as a missing file, is not an OptionsError).
import { describe, expect, it } from 'vitest';
import { QWEN3_DIR } from './__fixtures__/hf';
import { countTokens, loadTokenizer, pruneTokenizer } from './index';
import { describeOptionsContract, type OptionsEntry, optionsRefusal } from '../../../tooling/options-contract';

const missing = '/nonexistent/tinylm-options-test';
const tokenizerJson = QWEN3_DIR;

const entries: OptionsEntry[] = [
  {
    name: 'pruneTokenizer',
    validCall: 'checked',
    call: (o) => pruneTokenizer(o),
    valid: { tokenizer: missing, counts: `${missing}.json`, vocabSize: 300, out: `${missing}-out`, model: { hiddenSize: 64 } },
    nearMiss: ['vocab_size', 'vocabSize'],
    wrongType: ['vocabSize', '2000'],
    required: 'counts',
  },
  {
    name: 'countTokens',
    validCall: 'checked',
    call: (o) => countTokens(o),
    valid: { tokenizer: missing, inputs: [`${missing}.txt`], workers: 0 },
    nearMiss: ['textfield', 'textField'],
    wrongType: ['inputs', 'corpus.txt'],
    required: 'tokenizer',
  },
  {
    name: 'decode',
    validCall: 'checked',
    call: (o) => loadTokenizer(tokenizerJson).then((t) => t.decode([1], o)),
    valid: { skipSpecialTokens: true },
    nearMiss: ['skip_special_tokens', 'skipSpecialTokens'],
    wrongType: ['skipSpecialTokens', 'yes'],
  },
];

describeOptionsContract(entries);

describe('pruneTokenizer', () => {
  it('says vocabSize has the wrong type instead of "2000 is not possible"', async () => {
    const e = await optionsRefusal(entries[0], { ...entries[0].valid, vocabSize: '2000' });
    expect(e.message).toBe('pruneTokenizer: vocabSize: Invalid input: expected number, received string (got "2000")');
  });

  it('checks the nested model options', async () => {
    const e = await optionsRefusal(entries[0], { ...entries[0].valid, model: { hidden_size: 64 } });
    expect(e.message).toContain('pruneTokenizer: model.hidden_size: unknown option (did you mean hiddenSize?)');
  });
});
