// Tests of presets.ts: shapes and totals of every preset, provenance notes, unknown names.
import { describe, expect, it } from 'vitest';
import { UnknownPresetError } from './errors';
import { countParams } from './param-count';
import { getPreset, isPresetName, PRESETS, presetNames } from './presets';

describe('presets', () => {
  it('lists every required preset in a stable order', () => {
    expect(presetNames()).toEqual([
      'pangu-pi-1b',
      'pangu-pi-1b-pro',
      'pangu-pi-1.5b-pro',
      'llama2-7b',
      'tinyllama-1.1b',
      'bench-5m',
      'bench-20m',
      'bench-100m',
      'tiny-1m',
      'tiny-100k',
    ]);
  });

  it('PanGu-π shapes are those of the paper / release', () => {
    expect(getPreset('pangu-pi-1b').config).toMatchObject({
      vocabSize: 100883,
      hiddenSize: 2048,
      numLayers: 12,
      numHeads: 16,
      numKvHeads: 16,
      intermediateSize: 5632,
    });
    expect(getPreset('pangu-pi-1b-pro').config).toMatchObject({
      vocabSize: 48000,
      hiddenSize: 1792,
      numLayers: 20,
      numHeads: 14,
      numKvHeads: 14,
      intermediateSize: 4864,
    });
    expect(getPreset('pangu-pi-1.5b-pro').config).toMatchObject({
      vocabSize: 48000,
      hiddenSize: 2048,
      numLayers: 22,
      numHeads: 16,
      intermediateSize: 6912,
    });
    expect(getPreset('pangu-pi-1b-pro').mlpRatio).toBe(8 / 3);
    for (const name of ['pangu-pi-1b', 'pangu-pi-1b-pro', 'pangu-pi-1.5b-pro']) {
      expect(getPreset(name).config).toMatchObject({
        rmsNormEps: 1e-5,
        tieWordEmbeddings: false,
        ropeTheta: 10000,
        maxPositionEmbeddings: 2048,
      });
    }
  });

  it('parameter totals', () => {
    const totals = Object.fromEntries(presetNames().map((n) => [n, countParams(getPreset(n).config).total]));
    expect(totals).toEqual({
      'pangu-pi-1b': 1_029_830_656,
      'pangu-pi-1b-pro': 951_983_872,
      'pangu-pi-1.5b-pro': 1_500_080_128,
      'llama2-7b': 6_738_415_616,
      'tinyllama-1.1b': 1_100_048_384,
      'bench-5m': 5_261_568,
      'bench-20m': 20_453_760,
      'bench-100m': 97_536_768,
      'tiny-1m': 1_066_112,
      'tiny-100k': 108_864,
    });
  });

  it('bench shapes are those of packages/cli/bench/torch_train_ref.py', () => {
    expect(getPreset('bench-5m').config).toMatchObject({
      vocabSize: 4096,
      hiddenSize: 256,
      numLayers: 4,
      numHeads: 4,
      numKvHeads: 4,
      intermediateSize: 688,
      tieWordEmbeddings: false,
      maxPositionEmbeddings: 128,
    });
    expect(getPreset('bench-20m').config).toMatchObject({
      vocabSize: 8192,
      hiddenSize: 384,
      numLayers: 8,
      numHeads: 6,
      numKvHeads: 6,
      intermediateSize: 1024,
      tieWordEmbeddings: false,
      maxPositionEmbeddings: 256,
    });
    expect(getPreset('bench-100m').config).toMatchObject({
      vocabSize: 8192,
      hiddenSize: 768,
      numLayers: 12,
      numHeads: 12,
      numKvHeads: 12,
      intermediateSize: 2048,
      tieWordEmbeddings: false,
      maxPositionEmbeddings: 256,
    });
    // sum(p.numel()) of the script's Model: embed (V,D) + L * [2 RMSNorm D, q/k/v/o (D,D), gate/up (FF,D), down (D,FF)] + norm D + head (V,D)
    expect(countParams(getPreset('bench-100m').config).total).toBe(
      8192 * 768 + 12 * (2 * 768 + 4 * 768 * 768 + 3 * 768 * 2048) + 768 + 8192 * 768,
    );
    for (const name of ['bench-5m', 'bench-20m', 'bench-100m']) {
      expect(getPreset(name).source).toMatch(/^packages\/cli\/bench\/torch_train_ref\.py PRESETS\["bench-/);
    }
  });

  it('every preset has a source and notes saying what was chosen', () => {
    for (const name of presetNames()) {
      const p = getPreset(name);
      expect(p.name).toBe(name);
      expect(p.source.length).toBeGreaterThan(10);
      expect(p.notes.length).toBeGreaterThan(20);
    }
    expect(getPreset('pangu-pi-1b-pro').notes).toMatch(/21 layers/);
    expect(getPreset('pangu-pi-1.5b-pro').notes).toMatch(/not stated/);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(PRESETS)).toBe(true);
    expect(Object.isFrozen(getPreset('llama2-7b'))).toBe(true);
    expect(Object.isFrozen(getPreset('llama2-7b').config)).toBe(true);
  });

  it('an unknown name lists the valid ones', () => {
    expect(isPresetName('toString')).toBe(false);
    expect(() => getPreset('llama-7b')).toThrow(/unknown preset "llama-7b"; available: pangu-pi-1b, pangu-pi-1b-pro, .*tiny-100k/);
    try {
      getPreset('x');
    } catch (e) {
      expect(UnknownPresetError.isInstance(e)).toBe(true);
      expect((e as UnknownPresetError).available).toContain('bench-5m');
    }
  });
});
