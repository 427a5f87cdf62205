// Every arch-config entry point that takes an options object refuses an unknown key (naming the
// nearest allowed one), a value of the wrong type and a missing required key, and still accepts good options.
import { describe, expect, it } from 'vitest';
import {
  archReport,
  flopsPerToken,
  formatArchReport,
  getPreset,
  inferenceMemory,
  searchArchitectures,
  toHfConfig,
  toInternEvoConfig,
  trainingMemory,
} from './index';
import { describeOptionsContract, type OptionsEntry } from '../../../tooling/options-contract';

const config = getPreset('bench-5m').config;

const entries: OptionsEntry[] = [
  {
    name: 'flopsPerToken',
    call: (o) => flopsPerToken(config, o),
    valid: { seqLen: 64 },
    nearMiss: ['seq_len', 'seqLen'],
    wrongType: ['seqLen', '64'],
  },
  {
    name: 'trainingMemory',
    call: (o) => trainingMemory(config, o),
    valid: { batch: 2, seqLen: 64, dtype: 'f16' },
    nearMiss: ['flashAtention', 'flashAttention'],
    wrongType: ['batch', '2'],
    required: 'seqLen',
  },
  {
    name: 'inferenceMemory',
    call: (o) => inferenceMemory(config, o),
    valid: { batch: 1, seqLen: 64 },
    nearMiss: ['kvdtype', 'kvDtype'],
    wrongType: ['dtype', 16],
    required: 'batch',
  },
  {
    name: 'archReport',
    call: (o) => archReport(config, o),
    valid: { batch: 2, dtype: 'bfloat16' },
    nearMiss: ['bacth', 'batch'],
    wrongType: ['latencyModel', 'fast'],
  },
  {
    name: 'formatArchReport',
    call: (o) => formatArchReport(config, o),
    valid: { name: 'bench-5m' },
    nearMiss: ['nmae', 'name'],
    wrongType: ['flashAttention', 'yes'],
  },
  {
    name: 'toHfConfig',
    call: (o) => toHfConfig(config, o),
    valid: { torchDtype: 'f16' },
    nearMiss: ['torch_dtype', 'torchDtype'],
    wrongType: ['transformersVersion', 4],
  },
  {
    name: 'toInternEvoConfig',
    call: (o) => toInternEvoConfig(getPreset('pangu-pi-1b-pro').config, o),
    valid: { jobName: 'x', seqLen: 128 },
    nearMiss: ['microBSZ', 'microBsz'],
    wrongType: ['lr', '1e-4'],
  },
  {
    name: 'searchArchitectures',
    call: (o) => searchArchitectures(o),
    valid: { params: 1.5e6, vocabSize: 8192, headSizes: [32], widthMultiple: 32, multipleOf: 32 },
    nearMiss: ['width_multiple', 'widthMultiple'],
    wrongType: ['vocabSize', '2000'],
    required: 'params',
  },
];

describeOptionsContract(entries);

describe('searchArchitectures', () => {
  it('says what is wrong with vocabSize: "2000" instead of "2000 is not possible"', () => {
    expect(() => searchArchitectures({ params: 1e6, vocabSize: '2000' as never })).toThrow(
      'searchArchitectures: vocabSize: Invalid input: expected number, received string (got "2000")',
    );
  });
});
