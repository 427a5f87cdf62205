// Parity with Hugging Face semantics: random tiny models exported by `tinylm init` (MHA and GQA,
// tied and untied) give the same logits in tinylm and in an independent PyTorch implementation
// of LlamaForCausalLM's forward (test/python/llama_ref.py): max |difference| < 1e-4 in float32.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTorch, maxAbsDiff, tinylmLogits, torchLogits } from './parity';
import { tinylm } from './support';

const SHAPES = {
  'MHA untied': { vocabSize: 97, hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 4, intermediateSize: 96 },
  'GQA untied': { vocabSize: 97, hiddenSize: 64, numLayers: 3, numHeads: 8, numKvHeads: 2, intermediateSize: 80 },
  'MHA tied': { vocabSize: 97, hiddenSize: 32, numLayers: 2, numHeads: 2, numKvHeads: 2, intermediateSize: 64, tieWordEmbeddings: true },
  'GQA tied, rope theta 500000': {
    vocabSize: 131,
    hiddenSize: 64,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 1,
    intermediateSize: 128,
    tieWordEmbeddings: true,
    ropeTheta: 500000,
  },
};
const IDS = [5, 17, 3, 96, 42, 0, 88, 12, 7, 61, 33];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-parity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(hasTorch)('logits parity with an independent PyTorch LlamaForCausalLM forward', () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(name, async () => {
      const cfgPath = join(dir, `${name.replace(/\W+/g, '-')}.json`);
      const out = join(dir, name.replace(/\W+/g, '-'));
      // init std 0.2 so the logits are far from uniform and a layout mistake shows
      await writeFile(cfgPath, JSON.stringify({ ...shape, initStd: 0.2 }));
      const r = tinylm(['init', '--config', cfgPath, '--seed', '3', '--out', out, '--backend', 'cpu']);
      expect(r.status, r.stderr).toBe(0);
      const ours = tinylmLogits(out, IDS);
      const theirs = torchLogits(out, IDS);
      expect(ours.length).toBe(IDS.length);
      expect(ours[0].length).toBe(shape.vocabSize);
      const spread = Math.max(...theirs.flat()) - Math.min(...theirs.flat());
      expect(spread).toBeGreaterThan(1);
      expect(maxAbsDiff(ours, theirs)).toBeLessThan(1e-4);
    });
  }
});
