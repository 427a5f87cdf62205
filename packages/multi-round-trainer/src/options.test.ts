// Every multi-round-trainer entry point that takes an options object refuses an unknown key
// (`sample_rate`, naming `sampleRate`), a value of the wrong type and a missing required key
// (`train()` without `outDir`), and still accepts good options.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '@tinylm/arch-config';
import { initBackend } from '@tinylm/kernels';
import { LlamaModel } from '@tinylm/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, loadPacked, lrAt, type PackedData, readTokenFile, train } from './index';
import { describeOptionsContract, type OptionsEntry } from '../../../tooling/options-contract';

const config = resolveConfig({
  vocabSize: 256,
  hiddenSize: 16,
  numLayers: 1,
  numHeads: 2,
  numKvHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 16,
});
let dir = '';
let file = '';
let data: PackedData;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'trainer-options-'));
  file = join(dir, 'ids.bin');
  await writeFile(file, Buffer.from(Uint16Array.from({ length: 400 }, (_, i) => i % 256).buffer));
  data = await loadPacked([file], { seqLen: 8, vocabSize: 256 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const trainValid = () => ({
  model: LlamaModel.create(config, { seed: 1 }),
  train: data,
  val: data,
  outDir: join(dir, `run-${Math.random()}`),
  batchSize: 2,
  steps: 1,
  rounds: 1,
  evalSequences: 2,
});
const entries: OptionsEntry[] = [
  {
    name: 'train',
    call: (o) => train(o),
    valid: trainValid,
    nearMiss: ['sample_rate', 'sampleRate'],
    wrongType: ['batchSize', '2'],
    required: 'outDir',
  },
  {
    name: 'loadPacked',
    call: (o) => loadPacked([file], o),
    valid: () => ({ seqLen: 8, vocabSize: 256, binDtype: 'uint16' }),
    nearMiss: ['seqlen', 'seqLen'],
    wrongType: ['binDtype', 'u16'],
    required: 'vocabSize',
  },
  {
    name: 'evaluate',
    call: (o) => evaluate(LlamaModel.create(config, { seed: 1 }), data, o),
    valid: () => ({ maxSequences: 2, chunk: 2 }),
    nearMiss: ['max_sequences', 'maxSequences'],
    wrongType: ['chunk', '2'],
  },
  {
    name: 'lrAt',
    call: async (o) => lrAt(3, o),
    valid: () => ({ lr: 1e-3, minLr: 1e-5, warmupRatio: 0.1, totalSteps: 10 }),
    nearMiss: ['warmup_ratio', 'warmupRatio'],
    wrongType: ['lr', '1e-3'],
    required: 'totalSteps',
  },
  {
    name: 'readTokenFile',
    call: (o) => readTokenFile(file, o),
    valid: () => ({ binDtype: 'uint16' }),
    nearMiss: ['bin_dtype', 'binDtype'],
    wrongType: ['tokenizer', 'qwen3'],
  },
];

describeOptionsContract(entries);

describe('train', () => {
  it('names the training data when it is not packed data, instead of failing with a TypeError', async () => {
    await expect(train({ ...trainValid(), train: [1, 2, 3] } as never)).rejects.toThrow(/^train: train: expected packed data/);
  });
});
