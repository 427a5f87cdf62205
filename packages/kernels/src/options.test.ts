// Every @tinylm/kernels entry point that takes an options object refuses an unknown key (naming
// the nearest allowed one) and a value of the wrong type, and still accepts good options.
import * as tf from '@tensorflow/tfjs-core';
import { OptionsError } from '@tinylm/errors';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, applyRotary, causalSelfAttention, crossEntropy, initBackend, rotaryTables } from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const qkv = () => tf.zeros([1, 2, 4, 8]);

interface Entry {
  name: string;
  call: (options: never) => unknown;
  valid: Record<string, unknown>;
  nearMiss: [string, string];
  wrongType: [string, unknown];
}

const entries: Entry[] = [
  { name: 'initBackend', call: (o) => initBackend(o), valid: { backend: 'cpu' }, nearMiss: ['backnd', 'backend'], wrongType: ['threads', '4'] },
  { name: 'applyRotary', call: (o) => tf.tidy(() => applyRotary(qkv(), rotaryTables(4, 8), o)), valid: { layout: 'bhtd' }, nearMiss: ['layot', 'layout'], wrongType: ['layout', 'bhdt'] },
  { name: 'causalSelfAttention', call: (o) => tf.tidy(() => causalSelfAttention(qkv(), qkv(), qkv(), o)), valid: { offset: 0 }, nearMiss: ['ofset', 'offset'], wrongType: ['offset', '0'] },
  {
    name: 'crossEntropy',
    call: (o) => tf.tidy(() => crossEntropy(tf.zeros([2, 3]), tf.tensor1d([0, 1], 'int32'), o)),
    valid: { ignoreIndex: -100 },
    nearMiss: ['ignore_index', 'ignoreIndex'],
    wrongType: ['ignoreIndex', '-100'],
  },
  { name: 'AdamW', call: (o) => new AdamW(o), valid: { lr: 1e-3, weightDecay: 0.1 }, nearMiss: ['weight_decay', 'weightDecay'], wrongType: ['noDecay', ['norm']] },
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
    await expect(Promise.resolve().then(() => entry.call(entry.valid as never))).resolves.toBeDefined();
  });

  it('refuses a misspelled key, naming the one meant and the allowed ones', async () => {
    const [typo, meant] = entry.nearMiss;
    expect((await refusal(entry, { ...entry.valid, [typo]: 1 })).message).toContain(`${entry.name}: ${typo}: unknown option (did you mean ${meant}?); allowed: `);
  });

  it('refuses a value of the wrong type, naming the key', async () => {
    const [key, value] = entry.wrongType;
    expect((await refusal(entry, { ...entry.valid, [key]: value })).issues.map((i) => i.path)).toEqual([key]);
  });
});
