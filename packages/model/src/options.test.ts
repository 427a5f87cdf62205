// Every @tinylm/model entry point that takes an options object refuses an unknown key (naming the
// nearest allowed one), a value of the wrong type and a missing required key, and still accepts
// good options; saveHfModel takes both dtype spellings.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '@tinylm/arch-config';
import { readHfFolder } from '@tinylm/hf-io';
import { AdamW, initBackend } from '@tinylm/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchTrain, CompiledTrainStep, generate, initParams, LlamaModel, loadHfModel, sampleToken, saveHfModel, trainStep } from './index';
import { describeOptionsContract, type OptionsEntry } from '../../../tooling/options-contract';

const config = resolveConfig({
  vocabSize: 32,
  hiddenSize: 16,
  numLayers: 1,
  numHeads: 2,
  numKvHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 16,
});
let dir = '';
let model: LlamaModel;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'model-options-'));
  model = LlamaModel.create(config, { seed: 1 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const batch = () => ({ ids: tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32'), targets: tf.tensor2d([[2, 3, 4, 5]], [1, 4], 'int32') });

const entries: OptionsEntry[] = [
  {
    name: 'LlamaModel.create',
    call: (o) => LlamaModel.create(config, o),
    valid: { seed: 2, scheme: 'scaled' },
    nearMiss: ['sead', 'seed'],
    wrongType: ['scheme', 'xavier'],
  },
  { name: 'initParams', call: (o) => initParams(config, o), valid: { std: 0.02 }, nearMiss: ['Std', 'std'], wrongType: ['std', '0.02'] },
  {
    name: 'generate',
    call: (o) => generate(model, [1, 2], o),
    valid: { maxNewTokens: 2, temperature: 0.8, topK: 4 },
    nearMiss: ['top_k', 'topK'],
    wrongType: ['stopIds', 2],
    required: 'maxNewTokens',
  },
  {
    name: 'sampleToken',
    call: (o) => sampleToken([0.1, 0.5, 0.2], o, () => 0.5),
    valid: { greedy: true },
    nearMiss: ['topp', 'topP'],
    wrongType: ['greedy', 'yes'],
  },
  {
    name: 'trainStep',
    call: (o) => {
      const { ids, targets } = batch();
      return trainStep(model, new AdamW({ lr: 1e-3 }), ids, targets, o).finally(() => tf.dispose([ids, targets]));
    },
    valid: { clip: 1 },
    nearMiss: ['clipp', 'clip'],
    wrongType: ['lr', '1e-3'],
  },
  {
    name: 'benchTrain',
    call: (o) => benchTrain(config, o),
    valid: { batch: 1, seq: 4, steps: 1, warmup: 0 },
    nearMiss: ['warmpu', 'warmup'],
    wrongType: ['steps', '1'],
    required: 'seq',
  },
  {
    name: 'saveHfModel',
    call: (o) => saveHfModel(model, join(dir, `m-${Math.random()}`), o),
    valid: { dtype: 'f16' },
    nearMiss: ['max_shard_size', 'maxShardSize'],
    wrongType: ['dtype', 'half'],
  },
  {
    name: 'CompiledTrainStep.create',
    call: (o) => CompiledTrainStep.create(model, new AdamW(), o),
    valid: { batch: 1, seq: 4 },
    nearMiss: ['microbatches', 'microBatches'],
    wrongType: ['clip', '1'],
    required: 'batch',
    validCall: 'skip',
  },
];

describeOptionsContract(entries);

describe('saveHfModel dtype', () => {
  it('writes the same file for f16 and float16', async () => {
    await saveHfModel(model, join(dir, 'short'), { dtype: 'f16' });
    await saveHfModel(model, join(dir, 'long'), { dtype: 'float16' });
    const [short, long] = await Promise.all([readHfFolder(join(dir, 'short')), readHfFolder(join(dir, 'long'))]);
    expect((short.config as { torch_dtype: string }).torch_dtype).toBe('float16');
    expect(short.checkpoint.info('model.embed_tokens.weight').dtype).toBe('F16');
    expect(long.checkpoint.info('model.embed_tokens.weight').dtype).toBe('F16');
    expect((await loadHfModel(join(dir, 'short'))).config).toEqual(model.config);
  });
});
