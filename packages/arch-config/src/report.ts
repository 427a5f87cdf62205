// The architecture report behind `tinylm arch report`: every count this package computes for one
// config, as raw numbers (`archReport`, for JSON output) and as text (`formatArchReport`).
// Formulas live in param-count.ts, flops.ts, memory.ts and latency.ts; this file only gathers them.

import { headDim, kvDim, type LlamaConfig } from './config';
import { flopsPerToken, type FlopsPerToken } from './flops';
import { formatBytes, formatCount, formatFlops, formatInt, formatPercent } from './format';
import { latencyProxy, type LatencyEstimate, type LatencyModel } from './latency';
import { inferenceMemory, trainingMemory, type InferenceMemory, type TrainingMemory } from './memory';
import { countParams, type ParamCounts } from './param-count';
import type { FloatDtypeName } from '@tinylm/hf-io/bytes';
import { parseOptions } from '@tinylm/errors';
import { archReportOptions } from './options';

/** Options of `archReport` / `formatArchReport`. */
export interface ArchReportOptions {
  /** Sequence length for FLOPs, activations and KV cache; default maxPositionEmbeddings. */
  seqLen?: number;
  /** Sequences per step / in the KV cache; default 1. */
  batch?: number;
  /** Default float32; `float16` and `f16` (and so on) both work. */
  dtype?: FloatDtypeName;
  /** Activation memory without the T×T attention probabilities; default false. */
  flashAttention?: boolean;
  latencyModel?: Partial<LatencyModel>;
  /** A label for the text report (e.g. the preset name). */
  name?: string;
}

/** Every number of the report, raw (counts, FLOPs, bytes, milliseconds). */
export interface ArchReport {
  readonly name?: string;
  readonly config: LlamaConfig;
  readonly headDim: number;
  readonly kvDim: number;
  readonly params: ParamCounts;
  /** (embedding + lmHead) / total. */
  readonly embeddingShare: number;
  readonly flops: FlopsPerToken;
  readonly trainingMemory: TrainingMemory;
  readonly inferenceMemory: InferenceMemory;
  readonly latency: LatencyEstimate;
}

/** The report as raw numbers, for JSON output. */
export function archReport(config: LlamaConfig, options: ArchReportOptions = {}): ArchReport {
  const opts = parseOptions(archReportOptions, options, 'archReport');
  const seqLen = opts.seqLen ?? config.maxPositionEmbeddings;
  const batch = opts.batch ?? 1;
  const dtype = opts.dtype ?? 'float32';
  const params = countParams(config);
  return {
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    config,
    headDim: headDim(config),
    kvDim: kvDim(config),
    params,
    embeddingShare: (params.embedding + params.lmHead) / params.total,
    flops: flopsPerToken(config, { seqLen }),
    trainingMemory: trainingMemory(config, { batch, seqLen, dtype, flashAttention: opts.flashAttention }),
    inferenceMemory: inferenceMemory(config, { batch, seqLen, dtype }),
    latency: latencyProxy(config, opts.latencyModel),
  };
}

/** The report as aligned plain text (no colours; the CLI adds its own). */
export function formatArchReport(config: LlamaConfig, options: ArchReportOptions = {}): string {
  const opts = parseOptions(archReportOptions, options, 'formatArchReport');
  const r = archReport(config, opts);
  const c = r.config;
  const p = r.params;
  const t = r.trainingMemory;
  const inf = r.inferenceMemory;
  const share = (n: number) => formatPercent(n / p.total).padStart(7);
  const row = (label: string, value: string, extra = '') => `  ${label.padEnd(22)}${value.padStart(16)}${extra ? `  ${extra}` : ''}`;
  const heads = c.numKvHeads === c.numHeads ? `${c.numHeads} heads` : `${c.numHeads} heads, ${c.numKvHeads} KV heads (GQA)`;
  const lines = [
    `${r.name ?? 'model'}: LLaMA-2 decoder`,
    `  vocab ${formatInt(c.vocabSize)} | hidden ${c.hiddenSize} | ${c.numLayers} layers | ${heads}, head size ${r.headDim} | FFN ${c.intermediateSize} | ${c.tieWordEmbeddings ? 'tied' : 'untied'} head`,
    `  RoPE theta ${c.ropeTheta} | RMSNorm eps ${c.rmsNormEps} | max positions ${c.maxPositionEmbeddings} | init std ${c.initStd}`,
    '',
    `parameters ${formatInt(p.total)} (${formatCount(p.total)})`,
    row('embedding', formatInt(p.embedding), share(p.embedding)),
    row(`layers (${c.numLayers} x)`, formatInt(p.layers), share(p.layers)),
    row('  per layer', formatInt(p.perLayer.total)),
    row(
      '    attention q/k/v/o',
      formatInt(p.perLayer.attention.total),
      [p.perLayer.attention.q, p.perLayer.attention.k, p.perLayer.attention.v, p.perLayer.attention.o].map(formatInt).join(' / '),
    ),
    row(
      '    MLP gate/up/down',
      formatInt(p.perLayer.mlp.total),
      [p.perLayer.mlp.gate, p.perLayer.mlp.up, p.perLayer.mlp.down].map(formatInt).join(' / '),
    ),
    row('    norms', formatInt(p.perLayer.norms)),
    row('final norm', formatInt(p.finalNorm)),
    row('lm head', c.tieWordEmbeddings ? 'tied' : formatInt(p.lmHead), c.tieWordEmbeddings ? '' : share(p.lmHead)),
    row('embedding + head', formatPercent(r.embeddingShare), 'of all parameters'),
    '',
    `FLOPs per token at seq ${r.flops.seqLen} (PaLM: 6N + 12·L·T·d, N = ${formatCount(r.flops.matmulParams)} matmul params)`,
    row(
      'forward',
      formatFlops(r.flops.forward),
      `dense ${formatFlops(r.flops.forwardDense)}, attention ${formatFlops(r.flops.forwardAttention)}`,
    ),
    row('training', formatFlops(r.flops.training)),
    '',
    `training memory, batch ${t.batch} x seq ${t.seqLen}, ${t.dtype}${opts.flashAttention ? ', flash attention' : ''}`,
    row('weights', formatBytes(t.weights)),
    row('gradients', formatBytes(t.gradients)),
    ...(t.masterWeights ? [row('fp32 master weights', formatBytes(t.masterWeights))] : []),
    row('AdamW m + v (fp32)', formatBytes(t.optimizer)),
    row('activations', formatBytes(t.activations.total), `${formatBytes(t.activations.perLayer)} per layer`),
    row('total', formatBytes(t.total)),
    '',
    `inference memory, batch ${inf.batch} x seq ${inf.seqLen}, ${inf.dtype}`,
    row('weights', formatBytes(inf.weights)),
    row('KV cache', formatBytes(inf.kvCache)),
    row('total', formatBytes(inf.total)),
    '',
    row('latency proxy', `${r.latency.totalMs.toFixed(2)} ms`, 'per token, batch-1 decoding (a ranking aid, not a measurement)'),
  ];
  return `${lines.join('\n')}\n`;
}
