// Every multi-round-trainer entry point that takes an options object refuses an unknown key
// (`sample_rate`, naming `sampleRate`), a value of the wrong type and a missing required key
// (`train()` without `val`), and still accepts good options.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '@tinylm/arch-config';
import { OptionsError } from '@tinylm/errors';
import { initBackend } from '@tinylm/kernels';
import { LlamaModel } from '@tinylm/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, loadPacked, lrAt, type PackedData, readTokenFile, train } from './index';

const config = resolveConfig({ vocabSize: 256, hiddenSize: 16, numLayers: 1, numHeads: 2, numKvHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 16 });
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

interface Entry {
  name: string;
  call: (options: never) => Promise<unknown>;
  valid: () => Record<string, unknown>;
  nearMiss: [string, string];
  wrongType: [string, unknown];
  required?: string;
}

const trainValid = () => ({ model: LlamaModel.create(config, { seed: 1 }), train: data, val: data, outDir: join(dir, `run-${Math.random()}`), batchSize: 2, steps: 1, rounds: 1, evalSequences: 2 });
const entries: Entry[] = [
  { name: 'train', call: (o) => train(o), valid: trainValid, nearMiss: ['sample_rate', 'sampleRate'], wrongType: ['batchSize', '2'], required: 'val' },
  { name: 'loadPacked', call: (o) => loadPacked([file], o), valid: () => ({ seqLen: 8, vocabSize: 256, binDtype: 'uint16' }), nearMiss: ['seqlen', 'seqLen'], wrongType: ['binDtype', 'u16'], required: 'vocabSize' },
  { name: 'evaluate', call: (o) => evaluate(LlamaModel.create(config, { seed: 1 }), data, o), valid: () => ({ maxSequences: 2, chunk: 2 }), nearMiss: ['max_sequences', 'maxSequences'], wrongType: ['chunk', '2'] },
  { name: 'lrAt', call: async (o) => lrAt(3, o), valid: () => ({ lr: 1e-3, minLr: 1e-5, warmupRatio: 0.1, totalSteps: 10 }), nearMiss: ['warmup_ratio', 'warmupRatio'], wrongType: ['lr', '1e-3'], required: 'totalSteps' },
  { name: 'readTokenFile', call: (o) => readTokenFile(file, o), valid: () => ({ binDtype: 'uint16' }), nearMiss: ['bin_dtype', 'binDtype'], wrongType: ['tokenizer', 'qwen3'] },
];

async function refusal(entry: Entry, options: Record<string, unknown>): Promise<OptionsError> {
  try {
    await entry.call(options as never);
  } catch (e) {
    if (OptionsError.isInstance(e)) return e;
    throw e;
  }
  throw new Error(`${entry.name} accepted the options`);
}

describe.each(entries)('$name options', (entry) => {
  it('accepts valid options', async () => {
    await expect(entry.call(entry.valid() as never)).resolves.toBeDefined();
  });

  it('refuses a misspelled key, naming the one meant and the allowed ones', async () => {
    const [typo, meant] = entry.nearMiss;
    const e = await refusal(entry, { ...entry.valid(), [typo]: 0.9 });
    expect(e.message).toContain(`${entry.name}: ${typo}: unknown option (did you mean ${meant}?); allowed: `);
  });

  it('refuses a value of the wrong type, naming the key', async () => {
    const [key, value] = entry.wrongType;
    expect((await refusal(entry, { ...entry.valid(), [key]: value })).issues.map((i) => i.path)).toEqual([key]);
  });

  it.runIf(entry.required !== undefined)('refuses a missing required key, naming it', async () => {
    const { [entry.required as string]: _left, ...rest } = entry.valid();
    const e = await refusal(entry, rest);
    expect(e.issues.map((i) => i.path)).toEqual([entry.required]);
  });
});

describe('train', () => {
  it('names val when it is missing instead of failing with a TypeError', async () => {
    const { val: _val, ...rest } = trainValid();
    await expect(train(rest as never)).rejects.toThrow(/^train: val: expected packed data/);
  });
});
