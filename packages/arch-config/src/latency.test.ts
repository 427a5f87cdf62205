// Tests of latency.ts: the roofline proxy by hand, and the paper's depth/latency trade-off.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config';
import { InvalidArgumentError } from './errors';
import { DEFAULT_LATENCY_MODEL, latencyProxy } from './latency';
import { getPreset } from './presets';

describe('latencyProxy', () => {
  it('memory-bound case by hand: bytes / bandwidth + overhead per layer, plus the head', () => {
    const c = getPreset('bench-5m').config;
    const model = { bytesPerParam: 2, memoryBandwidth: 1e9, peakFlops: 1e18, perLayerOverhead: 1e-3, contextLength: 0 };
    const est = latencyProxy(c, model);
    const layerBytes = 2 * 791_040; // per-layer parameters of bench-5m
    expect(est.perLayerMs).toBeCloseTo((layerBytes / 1e9 + 1e-3) * 1e3, 12);
    expect(est.headMs).toBeCloseTo(((2 * 4096 * 256) / 1e9 + 1e-3) * 1e3, 12);
    expect(est.totalMs).toBeCloseTo(4 * est.perLayerMs + est.headMs, 12);
  });

  it('compute-bound case uses FLOPs instead', () => {
    const c = getPreset('bench-5m').config;
    const est = latencyProxy(c, { memoryBandwidth: 1e30, peakFlops: 1e9, perLayerOverhead: 0, contextLength: 10 });
    const flops = 2 * (262_144 + 528_384) + 4 * 10 * 256;
    expect(est.perLayerMs).toBeCloseTo((flops / 1e9) * 1e3, 12);
  });

  it('the KV cache read grows with context', () => {
    const c = getPreset('tinyllama-1.1b').config;
    const a = latencyProxy(c, { contextLength: 0 }).totalMs;
    const b = latencyProxy(c, { contextLength: 4096 }).totalMs;
    expect(b).toBeGreaterThan(a);
  });

  it("at equal parameters, deeper is slower (the paper's trade-off)", () => {
    // 2 layers of width 512 vs 8 layers of width 256: the same layer parameters within 1%.
    const wide = resolveConfig({ vocabSize: 1000, hiddenSize: 512, numLayers: 2, numHeads: 8, intermediateSize: 1376 });
    const deep = resolveConfig({ vocabSize: 2000, hiddenSize: 256, numLayers: 8, numHeads: 4, intermediateSize: 688 });
    expect(latencyProxy(deep).totalMs).toBeGreaterThan(latencyProxy(wide).totalMs);
    expect(DEFAULT_LATENCY_MODEL.perLayerOverhead).toBeGreaterThan(0);
  });

  it('rejects nonsense device numbers', () => {
    expect(() => latencyProxy(getPreset('bench-5m').config, { memoryBandwidth: 0 })).toThrow(InvalidArgumentError);
    expect(() => latencyProxy(getPreset('bench-5m').config, { contextLength: -1 })).toThrow('latencyModel.contextLength');
  });
});
