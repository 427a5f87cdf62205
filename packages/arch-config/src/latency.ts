// A latency proxy for batch-1 autoregressive decoding, used to rank architectures.
// The paper ("Rethinking Optimization and Architecture for Tiny Language Models", §architecture
// tweak) finds deeper models score better but decode slower, because layers run one after
// another. The proxy models exactly that, roofline style (Williams et al. 2009):
//   per layer: max(bytes / bandwidth, flops / peakFlops) + perLayerOverhead
//     bytes = layer weights · bytesPerParam + KV cache read (2 · contextLength · kv · bytesPerParam)
//     flops = 2 · layer matmul params + 4 · contextLength · d   (one new token, see flops.ts)
//   head:      max(V·d·bytesPerParam / bandwidth, 2·V·d / peakFlops) + perLayerOverhead
//   latency  = numLayers · per layer + head
// At batch 1 the memory term dominates, so at a fixed parameter count the layers' share is fixed
// and depth costs through `perLayerOverhead` (kernel launches and synchronisation: a LLaMA layer
// is ~10-15 dispatched ops at a few µs each). It ranks; it does not predict wall time.

import { kvDim, type LlamaConfig } from './config';
import { InvalidArgumentError } from './errors';
import { countParams } from './param-count';

/** Device and workload assumptions of the latency proxy. */
export interface LatencyModel {
  /** Bytes per weight and KV element (2: bf16/fp16). */
  readonly bytesPerParam: number;
  /** Memory bandwidth, bytes/s. */
  readonly memoryBandwidth: number;
  /** Sustained matmul throughput, FLOP/s. */
  readonly peakFlops: number;
  /** Fixed cost per sequential layer step, seconds. */
  readonly perLayerOverhead: number;
  /** Tokens already in the KV cache when the measured token is decoded. */
  readonly contextLength: number;
}

/** Defaults: a modest GPU (about 100 GB/s, 5 TFLOP/s), bf16 weights, 100 µs per layer, context 512. */
export const DEFAULT_LATENCY_MODEL: LatencyModel = Object.freeze({
  bytesPerParam: 2,
  memoryBandwidth: 100e9,
  peakFlops: 5e12,
  perLayerOverhead: 100e-6,
  contextLength: 512,
});

/** Proxy breakdown in milliseconds for one decoded token at batch 1. */
export interface LatencyEstimate {
  readonly perLayerMs: number;
  readonly headMs: number;
  /** numLayers · perLayerMs + headMs. */
  readonly totalMs: number;
}

/** Latency proxy for decoding one token at batch 1 (see the file header for the formula). */
export function latencyProxy(config: LlamaConfig, model: Partial<LatencyModel> = {}): LatencyEstimate {
  const m = { ...DEFAULT_LATENCY_MODEL, ...model };
  for (const key of ['bytesPerParam', 'memoryBandwidth', 'peakFlops'] as const) {
    if (!(m[key] > 0) || !Number.isFinite(m[key]))
      throw new InvalidArgumentError({ argument: `latencyModel.${key}`, value: m[key], allowed: 'a finite number > 0' });
  }
  for (const key of ['perLayerOverhead', 'contextLength'] as const) {
    if (!(m[key] >= 0) || !Number.isFinite(m[key]))
      throw new InvalidArgumentError({ argument: `latencyModel.${key}`, value: m[key], allowed: 'a finite number >= 0' });
  }
  const p = countParams(config);
  const d = config.hiddenSize;
  const layerBytes = p.perLayer.total * m.bytesPerParam + 2 * m.contextLength * kvDim(config) * m.bytesPerParam;
  const layerFlops = 2 * (p.perLayer.attention.total + p.perLayer.mlp.total) + 4 * m.contextLength * d;
  const perLayer = Math.max(layerBytes / m.memoryBandwidth, layerFlops / m.peakFlops) + m.perLayerOverhead;
  const headWeights = config.vocabSize * d;
  const head = Math.max((headWeights * m.bytesPerParam) / m.memoryBandwidth, (2 * headWeights) / m.peakFlops) + m.perLayerOverhead;
  return { perLayerMs: perLayer * 1e3, headMs: head * 1e3, totalMs: (config.numLayers * perLayer + head) * 1e3 };
}
