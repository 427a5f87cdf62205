// The shape check before allocation (issue 18): a 71-byte config.json claiming hidden size 1.6e6
// and 1e5 layers made `tinylm train` allocate for 19 s up to 3.4 GB and die with
// `RangeError: Invalid typed array length`. arch-config now refuses that one (SHAPE_LIMITS); a
// shape inside those limits can still claim petabytes, and is refused here before any tensor
// exists, with the estimate, what the machine has and how to go on.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset, type LlamaConfig, resolveConfig } from '@tinylm/arch-config';
import { describe, expect, it } from 'vitest';
import { UsageError } from './args';
import { captureIo } from './capture-io';
import { checkShapeFits, type MemoryLimits, WASM32_HEAP_BYTES } from './memory-guard';
import { runCli } from './run-cli';

const GiB = 2 ** 30;
/** The config.json of the issue. */
const ISSUE = '{"vocabSize":256,"hiddenSize":1600000,"numLayers":100000,"numHeads":16}';
/** Inside arch-config's SHAPE_LIMITS, past the typed-array limit (q_proj has 2^40 entries). */
const PAST_ARRAYS = '{"vocabSize":256,"hiddenSize":1048576,"numLayers":16384,"numHeads":16}';
/** Every tensor fits a typed array, the whole needs hundreds of TiB. */
const PAST_MEMORY = '{"vocabSize":256,"hiddenSize":16384,"intermediateSize":16384,"numLayers":16384,"numHeads":16}';
const hostile = resolveConfig(JSON.parse(PAST_ARRAYS));
const limits = (total: number, free = total): MemoryLimits => ({ total, free, maxTypedArrayLength: 2 ** 32 });
const train = { purpose: 'train', name: 'c.json', batch: 8, seqLen: 128 } as const;

describe('checkShapeFits', () => {
  it('refuses a tensor past the typed-array limit, naming it and the limit', () => {
    expect(() => checkShapeFits(hostile, train, limits(64 * GiB))).toThrow(UsageError);
    expect(() => checkShapeFits(hostile, train, limits(64 * GiB))).toThrow(
      /^c\.json: tensor model\.layers\.N\.self_attn\.q_proj\.weight would have 1,099,511,627,776 entries, more than the 4,294,967,296 a typed array can hold here.*smaller shape/,
    );
  });

  it('refuses logits past the typed-array limit with the flags to lower', () => {
    const wide = resolveConfig({ ...getPreset('tiny-1m').config, vocabSize: 2 ** 20 });
    expect(() => checkShapeFits(wide, { ...train, batch: 64, seqLen: 128 }, limits(2 ** 50))).toThrow(
      /the logits \(batch x seq x vocab_size\) would have 8,589,934,592 entries.*or a smaller --batch \/ --seq$/,
    );
  });

  it('refuses an estimate past the machine, with the estimate and what is there', () => {
    const big: LlamaConfig = getPreset('llama2-7b').config;
    expect(() => checkShapeFits(big, train, limits(16 * GiB, 8 * GiB))).toThrow(
      /^training c\.json at batch 8 x seq 128 needs about [\d.]+ GiB \(weights, gradients, AdamW state and activations\), but this machine has 16\.00 GiB of memory, 8\.00 GiB free: choose a smaller shape/,
    );
    expect(() => checkShapeFits(big, { purpose: 'init', name: '7b', batch: 1, seqLen: 1 }, limits(16 * GiB))).toThrow(
      /^initialising 7b needs about 25\.10 GiB \(weights\), but this machine has 16\.00 GiB/,
    );
  });

  it('refuses past the wasm heap on the wasm backend only', () => {
    const mid = resolveConfig({ ...getPreset('tiny-1m').config, hiddenSize: 2048, numHeads: 16, numLayers: 8, intermediateSize: 5632 });
    expect(() => checkShapeFits(mid, { ...train, backend: 'wasm' }, limits(512 * GiB))).toThrow(
      /the wasm backend keeps every tensor in one heap of at most 4\.00 GiB \(try --backend blas\)/,
    );
    expect(checkShapeFits(mid, { ...train, backend: 'blas' }, limits(512 * GiB))).toBeUndefined();
    expect(WASM32_HEAP_BYTES).toBe(4 * GiB);
  });

  it('passes a shape that fits, warning when it exceeds the memory free now', () => {
    const tiny = getPreset('tiny-1m').config;
    expect(checkShapeFits(tiny, train, limits(64 * GiB))).toBeUndefined();
    expect(checkShapeFits(tiny, train, limits(64 * GiB, 1024))).toMatch(/^warning: training c\.json .* 1\.00 KiB free, so it may swap/);
  });
});

describe('tinylm train / init with hostile config.json files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinylm-shape-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const configs = { issue: file('issue.json', ISSUE), arrays: file('arrays.json', PAST_ARRAYS), memory: file('memory.json', PAST_MEMORY) };
  const argv = (command: string, config: string) =>
    command === 'train'
      ? ['train', '--config', config, '--data', join(dir, 'none.txt'), '--out', join(dir, 'run'), '--backend', 'cpu']
      : ['init', '--config', config, '--out', join(dir, 'model'), '--backend', 'cpu'];

  it.each(['train', 'init'])('%s: the config of the issue is refused cleanly, never with a RangeError', async (command) => {
    const io = captureIo();
    expect(await runCli(argv(command, configs.issue), io)).toBeGreaterThan(0);
    expect(io.errText.join('\n')).toMatch(/hiddenSize = 1600000 is invalid|would have .* entries/);
    expect(io.errText.join('\n')).not.toMatch(/RangeError|Invalid typed array length/);
  });

  it.each(['train', 'init'])('%s: a tensor past the typed-array limit exits 2 before allocating', async (command) => {
    const io = captureIo();
    expect(await runCli(argv(command, configs.arrays), io)).toBe(2);
    expect(io.errText.join('\n')).toMatch(/tensor model\.layers\.N\.self_attn\.q_proj\.weight would have 1,099,511,627,776 entries/);
  });

  it.each(['train', 'init'])('%s: a shape past this machine exits 2 with the estimate and the memory there', async (command) => {
    const io = captureIo();
    expect(await runCli(argv(command, configs.memory), io)).toBe(2);
    expect(io.errText.join('\n')).toMatch(
      /needs about [\d.]+ TiB .* but this machine has [\d.]+ GiB of memory, [\d.]+ GiB free: choose a smaller shape/,
    );
  });
});
