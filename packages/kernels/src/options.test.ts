// Every @tinylm/kernels entry point that takes an options object refuses an unknown key (naming
// the nearest allowed one) and a value of the wrong type, and still accepts good options.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll } from 'vitest';
import { AdamW, applyRotary, causalSelfAttention, crossEntropy, initBackend, rotaryTables } from './index';
import { describeOptionsContract, type OptionsEntry } from '../../../tooling/options-contract';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const qkv = () => tf.zeros([1, 2, 4, 8]);

const entries: OptionsEntry[] = [
  {
    name: 'initBackend',
    call: (o) => initBackend(o),
    valid: { backend: 'cpu' },
    nearMiss: ['backnd', 'backend'],
    wrongType: ['threads', '4'],
  },
  {
    name: 'applyRotary',
    call: (o) => tf.tidy(() => applyRotary(qkv(), rotaryTables(4, 8), o)),
    valid: { layout: 'bhtd' },
    nearMiss: ['layot', 'layout'],
    wrongType: ['layout', 'bhdt'],
  },
  {
    name: 'causalSelfAttention',
    call: (o) => tf.tidy(() => causalSelfAttention(qkv(), qkv(), qkv(), o)),
    valid: { offset: 0 },
    nearMiss: ['ofset', 'offset'],
    wrongType: ['offset', '0'],
  },
  {
    name: 'crossEntropy',
    call: (o) => tf.tidy(() => crossEntropy(tf.zeros([2, 3]), tf.tensor1d([0, 1], 'int32'), o)),
    valid: { ignoreIndex: -100 },
    nearMiss: ['ignore_index', 'ignoreIndex'],
    wrongType: ['ignoreIndex', '-100'],
  },
  {
    name: 'AdamW',
    call: (o) => new AdamW(o),
    valid: { lr: 1e-3, weightDecay: 0.1 },
    nearMiss: ['weight_decay', 'weightDecay'],
    wrongType: ['noDecay', ['norm']],
  },
];

describeOptionsContract(entries);
