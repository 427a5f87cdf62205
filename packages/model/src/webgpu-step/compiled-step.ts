// The LLaMA training step compiled for WebGPU: built once per (config, batch, sequence length,
// micro-batches), then replayed every optimizer step as one command encoder, one compute pass and
// one queue submit. Forward, backward, global-norm clipping and AdamW are tinylm's own WGSL
// programs (@tinylm/kernels gpuStep) on buffers created at build time; no tfjs op runs per step.
// The weights and Adam moments live in the step's arenas while it trains; `sync` writes them
// back into the model's tfjs variables and the AdamW state (checkpoints, eval, export, generate),
// and `create` reads them from there, so a resumed run continues exactly.
// Results come back a step late at no cost: `run` submits and returns a promise of the step's loss
// and gradient norm; a step with a non-finite loss or norm is not applied, and no later step is.
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from '@tinylm/arch-config';
import { type AdamW, ArgumentError, gpuStep as g, rotaryTables } from '@tinylm/kernels';
import type { LlamaModel } from '../model';
import { EMBED, FINAL_NORM, LM_HEAD, layerName } from '../param-names';
import { batchLayout, packBatch } from './batch';
import { type ArenaLayout, planArenas } from './layout';
import { ReadbackRing, readBuffer } from './readback';
import { parseOptions } from '@tinylm/errors';
import { compiledStepOptions } from '../options';

export interface CompiledStepOptions {
  batch: number;
  seq: number;
  /** Micro-batches per optimizer step (gradients averaged); default 1. */
  microBatches?: number;
  /** Global gradient-norm clip; default 1.0. 0 or Infinity: no clipping. */
  clip?: number;
}

export interface MicroBatch {
  /** (batch x seq) token ids. */
  ids: Int32Array;
  /** (batch x seq) next-token targets; -100 ignored. */
  targets: Int32Array;
}

export interface CompiledStepResult {
  /** Mean loss over the micro-batches (the tfjs path's). */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** The step had a non-finite loss or norm (or a previous one had): the weights were not updated. */
  skipped: boolean;
}

interface WebGpuBackendLike {
  device: GPUDevice;
  queue: GPUQueue;
  submitQueue(): void;
}

const STATS_BYTES = 16;

export class CompiledTrainStep {
  readonly dispatchesPerStep: number;
  readonly pipelines: number;
  private steps: number;
  private haltedAt: number | undefined;
  private disposed = false;

  private constructor(
    private readonly backend: WebGpuBackendLike,
    private readonly model: LlamaModel,
    private readonly optimizer: AdamW,
    private readonly options: Required<CompiledStepOptions>,
    private readonly graph: g.StepGraph,
    private readonly layout: ArenaLayout,
    private readonly buffers: {
      params: g.Slice[];
      grads: g.Slice[];
      m: g.Slice[];
      v: g.Slice[];
      batches: g.Slice[];
      stats: g.Slice;
      state: g.Slice;
      hyper: g.Slice;
    },
    private readonly ring: ReadbackRing,
  ) {
    this.steps = optimizer.steps;
    this.dispatchesPerStep = graph.dispatches;
    this.pipelines = graph.pipelineCount;
  }

  /** Builds the step for `model` and `optimizer` on the active webgpu backend, loading their current state. */
  static async create(model: LlamaModel, optimizer: AdamW, options: CompiledStepOptions): Promise<CompiledTrainStep> {
    options = parseOptions(compiledStepOptions, options, 'CompiledTrainStep.create');
    if (tf.getBackend() !== 'webgpu')
      throw new ArgumentError(`CompiledTrainStep: needs the webgpu backend, the active one is ${tf.getBackend()}`);
    const o: Required<CompiledStepOptions> = { microBatches: 1, clip: 1.0, ...options };
    for (const [k, x] of [
      ['batch', o.batch],
      ['seq', o.seq],
      ['microBatches', o.microBatches],
    ] as const) {
      if (!Number.isInteger(x) || x < 1) throw new ArgumentError(`CompiledTrainStep: ${k} must be a positive integer, got ${x}`);
    }
    if (o.seq > model.config.maxPositionEmbeddings) {
      throw new ArgumentError(`CompiledTrainStep: seq ${o.seq} exceeds maxPositionEmbeddings (${model.config.maxPositionEmbeddings})`);
    }
    const backend = tf.backend() as unknown as WebGpuBackendLike;
    const device = backend.device;
    const graph = new g.StepGraph(device);
    const layout = planArenas(model.config, (n, s) => optimizer.decays(n, s), Math.floor(graph.maxBinding / 4));
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    let built: ReturnType<typeof record>;
    try {
      built = record(graph, model.config, layout, o, optimizer);
      await graph.compile();
    } finally {
      const oom = await device.popErrorScope();
      const invalid = await device.popErrorScope();
      const error = oom ?? invalid;
      if (error) {
        graph.destroy();
        // biome-ignore lint/correctness/noUnsafeFinally: the device's own error (out of memory, invalid pipeline) says more than whatever it made the build throw
        throw new Error(`CompiledTrainStep: building the step failed on this device: ${error.message}`);
      }
    }
    const step = new CompiledTrainStep(backend, model, optimizer, o, graph, layout, built!, new ReadbackRing(device, STATS_BYTES + 16));
    await step.load();
    return step;
  }

  /** Optimizer steps taken (the AdamW step count). */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * Submits one optimizer step on `microBatches` (as many as the step was built for) at learning
   * rate `lr` (default the optimizer's). Returns at once; the promise resolves when the GPU is done.
   */
  run(microBatches: MicroBatch[], lr = this.optimizer.lr): Promise<CompiledStepResult> {
    if (this.disposed) throw new ArgumentError('CompiledTrainStep: used after dispose');
    const o = this.options;
    if (microBatches.length !== o.microBatches) {
      throw new ArgumentError(`CompiledTrainStep.run: ${microBatches.length} micro-batches, the step was built for ${o.microBatches}`);
    }
    const rows = o.batch * o.seq;
    const queue = this.backend.queue;
    microBatches.forEach((mb, a) => {
      if (mb.ids.length !== rows)
        throw new ArgumentError(
          `CompiledTrainStep.run: micro-batch ${a} has ${mb.ids.length} ids, expected ${o.batch} x ${o.seq} = ${rows}`,
        );
      const packed = packBatch(mb.ids, mb.targets, this.model.config.vocabSize, o.microBatches);
      queue.writeBuffer(this.buffers.batches[a].buffer, 0, packed);
    });
    this.steps += 1;
    const opt = this.optimizer;
    const bc1 = 1 - opt.beta1 ** this.steps;
    const bc2 = 1 - opt.beta2 ** this.steps;
    queue.writeBuffer(this.buffers.hyper.buffer, 0, new Float32Array([lr / bc1, Math.sqrt(bc2), 1 - lr * opt.weightDecay]));
    const encoder = this.backend.device.createCommandEncoder({ label: 'tinylm compiled step' });
    encoder.clearBuffer(this.buffers.stats.buffer);
    for (const s of this.buffers.grads) encoder.clearBuffer(s.buffer);
    this.graph.encode(encoder);
    const staging = this.ring.take();
    encoder.copyBufferToBuffer(this.buffers.stats.buffer, 0, staging, 0, STATS_BYTES);
    encoder.copyBufferToBuffer(this.buffers.state.buffer, 0, staging, STATS_BYTES, 4);
    queue.submit([encoder.finish()]);
    const step = this.steps;
    return this.ring.read(staging).then((s) => {
      const skipped = s[4] !== 0;
      if (skipped) this.haltedAt ??= step;
      return { loss: s[0], gradNorm: s[2], skipped };
    });
  }

  /** Writes the weights into the model's variables and the moments and step count into the optimizer. */
  async sync(): Promise<void> {
    const device = this.backend.device;
    const read = (slices: g.Slice[]) => Promise.all(slices.map((s) => readBuffer(device, s.buffer, s.size)));
    const [params, m, v] = [await read(this.buffers.params), await read(this.buffers.m), await read(this.buffers.v)];
    const state = {
      step: this.haltedAt !== undefined ? this.haltedAt - 1 : this.steps,
      m: {} as Record<string, tf.Tensor>,
      v: {} as Record<string, tf.Tensor>,
    };
    for (const [name, p] of this.layout.params) {
      const of = (arenas: Float32Array[]) => tf.tensor(arenas[p.arena].slice(p.offset, p.offset + p.size), p.shape, 'float32');
      const w = of(params);
      this.model.params.get(name)!.assign(w);
      w.dispose();
      state.m[name] = of(m);
      state.v[name] = of(v);
    }
    this.optimizer.setState(state);
    tf.dispose([...Object.values(state.m), ...Object.values(state.v)]);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.graph.destroy();
    this.ring.destroy();
  }

  /** Copies the model's weights and the optimizer's moments (zeros where it has none yet) into the arenas. */
  private async load(): Promise<void> {
    const opt = this.optimizer.getState();
    try {
      const images = (fill: (name: string) => Promise<Float32Array | undefined>) => this.fillArenas(fill);
      const [params, m, v] = [
        await images(async (n) => (await this.model.params.get(n)!.data()) as Float32Array),
        await images(async (n) => (opt.m[n] ? ((await opt.m[n].data()) as Float32Array) : undefined)),
        await images(async (n) => (opt.v[n] ? ((await opt.v[n].data()) as Float32Array) : undefined)),
      ];
      const queue = this.backend.queue;
      params.forEach((img, i) => queue.writeBuffer(this.buffers.params[i].buffer, 0, img));
      m.forEach((img, i) => queue.writeBuffer(this.buffers.m[i].buffer, 0, img));
      v.forEach((img, i) => queue.writeBuffer(this.buffers.v[i].buffer, 0, img));
    } finally {
      tf.dispose([...Object.values(opt.m), ...Object.values(opt.v)]);
    }
  }

  private async fillArenas(fill: (name: string) => Promise<Float32Array | undefined>): Promise<Float32Array<ArrayBuffer>[]> {
    const images = this.layout.arenas.map((n) => new Float32Array(Math.ceil(n / 64) * 64));
    for (const [name, p] of this.layout.params) {
      const values = await fill(name);
      if (values) images[p.arena].set(values, p.offset);
    }
    return images;
  }
}

/** Records the whole step into `graph`; returns the buffers the host writes and reads. */
function record(graph: g.StepGraph, c: LlamaConfig, layout: ArenaLayout, o: Required<CompiledStepOptions>, opt: AdamW) {
  const { batch: B, seq: T, microBatches } = o;
  const [C, H, KV, F, V, L] = [c.hiddenSize, c.numHeads, c.numKvHeads, c.intermediateSize, c.vocabSize, c.numLayers];
  const D = C / H;
  const M = B * T;
  const W = (H + 2 * KV) * D;
  const f32 = (label: string, n: number) => graph.buffer(label, n * 4);
  const arenas = (kind: string) => layout.arenas.map((n, i) => f32(`${kind} arena ${i}`, n));
  const params = arenas('parameter');
  const grads = arenas('gradient');
  const m = arenas('adam m');
  const v = arenas('adam v');
  const at = (slices: g.Slice[], name: string, group = false) => {
    const p = (group ? layout.groups : layout.params).get(name)!;
    return g.sub(slices[p.arena], p.offset, p.size);
  };
  const w = (name: string) => at(params, name);
  const dw = (name: string) => at(grads, name);
  const wg = (name: string) => at(params, name, true);
  const dwg = (name: string) => at(grads, name, true);
  const head = c.tieWordEmbeddings ? EMBED : LM_HEAD;

  // rotary tables, exactly the tfjs path's (kernels' rotaryTables)
  const tables = rotaryTables(T, D, c.ropeTheta);
  const cosT = f32('rotary cos', T * D);
  const sinT = f32('rotary sin', T * D);
  graph.device.queue.writeBuffer(cosT.buffer, 0, tables.cos.dataSync() as Float32Array<ArrayBuffer>);
  graph.device.queue.writeBuffer(sinT.buffer, 0, tables.sin.dataSync() as Float32Array<ArrayBuffer>);
  tf.dispose([tables.cos, tables.sin]);

  // activations kept for the backward, per layer; gradients reused across layers
  const layer = Array.from({ length: L }, (_, i) => ({
    x: f32(`layer ${i} input (${M} x ${C})`, M * C),
    hn1: f32(`layer ${i} attention norm`, M * C),
    rstd1: f32(`layer ${i} attention norm rstd`, M),
    qkv: f32(`layer ${i} qkv (${M} x ${W})`, M * W),
    att: f32(`layer ${i} attention output`, M * C),
    lse: f32(`layer ${i} attention lse`, B * H * T),
    xmid: f32(`layer ${i} residual after attention`, M * C),
    hn2: f32(`layer ${i} mlp norm`, M * C),
    rstd2: f32(`layer ${i} mlp norm rstd`, M),
    gu: f32(`layer ${i} gate|up (${M} x ${2 * F})`, M * 2 * F),
    h: f32(`layer ${i} swiglu (${M} x ${F})`, M * F),
  }));
  const xL = f32('final residual', M * C);
  const xf = f32('final norm', M * C);
  const rstdf = f32('final norm rstd', M);
  const logits = f32(`logits (${M} x ${V})`, M * V);
  const rowLoss = f32('row losses', M);
  const dx = f32('residual gradient', M * C);
  const dn = f32('norm output gradient', M * C);
  const dqkv = f32(`qkv gradient (${M} x ${W})`, M * W);
  const datt = f32('attention output gradient', M * C);
  const delta = f32('attention delta', B * H * T);
  const dh = f32('swiglu gradient', M * F);
  const dgu = f32('gate|up gradient', M * 2 * F);
  const layoutOf = batchLayout(M);
  const batches = Array.from({ length: microBatches }, (_, a) => graph.buffer(`micro-batch ${a}`, layoutOf.length * 4));
  const stats = f32('step statistics', 4);
  const state = f32('step state', 4);
  const hyper = f32('adamw rates', 4);
  const sumsqParts = layout.arenas.map((n) => Math.ceil(n / g.SUMSQ_SPAN));
  const partials = f32(
    'gradient norm partials',
    sumsqParts.reduce((a, b) => a + b, 0),
  );

  const attn = { batch: B, seq: T, heads: H, kvHeads: KV, headDim: D };
  const rope = { rows: M, seq: T, heads: H, kvHeads: KV, headDim: D };
  const eps = c.rmsNormEps;
  const k = {
    rms: g.rmsNormForward(M, C, eps),
    rmsDx: g.rmsNormGradX(M, C, true),
    rmsDxFirst: g.rmsNormGradX(M, C, false),
    rmsDw: g.rmsNormGradWeight(M, C),
    qkv: g.matmul({ m: M, n: W, k: C, transB: true }),
    ropeF: g.rotary(rope, false),
    ropeB: g.rotary(rope, true),
    attF: g.attentionForward(attn),
    attDq: g.attentionGradQ(attn),
    attDkv: g.attentionGradKV(attn),
    o: g.matmul({ m: M, n: C, k: C, transB: true, mode: 'addend' }),
    gu: g.matmul({ m: M, n: 2 * F, k: C, transB: true }),
    swiF: g.swigluForward(M, F),
    swiB: g.swigluBackward(M, F),
    down: g.matmul({ m: M, n: C, k: F, transB: true, mode: 'addend' }),
    logits: g.matmul({ m: M, n: V, k: C, transB: true }),
    xent: g.crossEntropyRows(M, V, layoutOf.targets, layoutOf.scale),
    loss: g.lossSum(M, layoutOf.scale),
    // backward products: d input = dY W (no transpose), d weight += dY^T X
    dxHead: g.matmul({ m: M, n: C, k: V }),
    dwHead: g.matmul({ m: V, n: C, k: M, transA: true, mode: 'accumulate' }),
    dxDown: g.matmul({ m: M, n: F, k: C }),
    dwDown: g.matmul({ m: C, n: F, k: M, transA: true, mode: 'accumulate' }),
    dxGu: g.matmul({ m: M, n: C, k: 2 * F }),
    dwGu: g.matmul({ m: 2 * F, n: C, k: M, transA: true, mode: 'accumulate' }),
    dxO: g.matmul({ m: M, n: C, k: C }),
    dwO: g.matmul({ m: C, n: C, k: M, transA: true, mode: 'accumulate' }),
    dxQkv: g.matmul({ m: M, n: C, k: W }),
    dwQkv: g.matmul({ m: W, n: C, k: M, transA: true, mode: 'accumulate' }),
    gather: g.embeddingGather(M, C),
    scatter: g.embeddingScatter(M, C, layoutOf.scatter),
  };
  const d = graph.dispatch.bind(graph);
  for (let a = 0; a < microBatches; a++) {
    const mb = batches[a];
    // forward
    d(k.gather, { table: w(EMBED), batch: mb, x: layer[0].x });
    for (let i = 0; i < L; i++) {
      const s = layer[i];
      const n = (leaf: string) => layerName(i, leaf);
      const next = i + 1 < L ? layer[i + 1].x : xL;
      d(k.rms, { x: s.x, weight: w(n('input_layernorm.weight')), y: s.hn1, rstd: s.rstd1 });
      d(k.qkv, { a: s.hn1, b: wg(n('self_attn.q_proj.weight')), dst: s.qkv });
      d(k.ropeF, { qkv: s.qkv, cosT, sinT });
      d(k.attF, { qkv: s.qkv, att: s.att, lse: s.lse });
      d(k.o, { a: s.att, b: w(n('self_attn.o_proj.weight')), addend: s.x, dst: s.xmid });
      d(k.rms, { x: s.xmid, weight: w(n('post_attention_layernorm.weight')), y: s.hn2, rstd: s.rstd2 });
      d(k.gu, { a: s.hn2, b: wg(n('mlp.gate_proj.weight')), dst: s.gu });
      d(k.swiF, { gu: s.gu, h: s.h });
      d(k.down, { a: s.h, b: w(n('mlp.down_proj.weight')), addend: s.xmid, dst: next });
    }
    d(k.rms, { x: xL, weight: w(FINAL_NORM), y: xf, rstd: rstdf });
    d(k.logits, { a: xf, b: w(head), dst: logits });
    d(k.xent, { logits, batch: mb, rowLoss });
    d(k.loss, { rowLoss, batch: mb, stats });
    // backward (logits now hold their gradient)
    d(k.dxHead, { a: logits, b: w(head), dst: dn });
    d(k.dwHead, { a: logits, b: xf, dst: dw(head) });
    d(k.rmsDxFirst, { x: xL, weight: w(FINAL_NORM), rstd: rstdf, dy: dn, dx });
    d(k.rmsDw, { x: xL, rstd: rstdf, dy: dn, dw: dw(FINAL_NORM) });
    for (let i = L - 1; i >= 0; i--) {
      const s = layer[i];
      const n = (leaf: string) => layerName(i, leaf);
      d(k.dxDown, { a: dx, b: w(n('mlp.down_proj.weight')), dst: dh });
      d(k.dwDown, { a: dx, b: s.h, dst: dw(n('mlp.down_proj.weight')) });
      d(k.swiB, { gu: s.gu, dh, dgu });
      d(k.dxGu, { a: dgu, b: wg(n('mlp.gate_proj.weight')), dst: dn });
      d(k.dwGu, { a: dgu, b: s.hn2, dst: dwg(n('mlp.gate_proj.weight')) });
      d(k.rmsDx, { x: s.xmid, weight: w(n('post_attention_layernorm.weight')), rstd: s.rstd2, dy: dn, dx });
      d(k.rmsDw, { x: s.xmid, rstd: s.rstd2, dy: dn, dw: dw(n('post_attention_layernorm.weight')) });
      d(k.dxO, { a: dx, b: w(n('self_attn.o_proj.weight')), dst: datt });
      d(k.dwO, { a: dx, b: s.att, dst: dw(n('self_attn.o_proj.weight')) });
      d(k.attDq, { qkv: s.qkv, attnOut: s.att, dOut: datt, lse: s.lse, delta, dqkv });
      d(k.attDkv, { qkv: s.qkv, dOut: datt, lse: s.lse, delta, dqkv });
      d(k.ropeB, { qkv: dqkv, cosT, sinT });
      d(k.dxQkv, { a: dqkv, b: wg(n('self_attn.q_proj.weight')), dst: dn });
      d(k.dwQkv, { a: dqkv, b: s.hn1, dst: dwg(n('self_attn.q_proj.weight')) });
      d(k.rmsDx, { x: s.x, weight: w(n('input_layernorm.weight')), rstd: s.rstd1, dy: dn, dx });
      d(k.rmsDw, { x: s.x, rstd: s.rstd1, dy: dn, dw: dw(n('input_layernorm.weight')) });
    }
    d(k.scatter, { dx, batch: mb, dtable: dw(EMBED) });
  }
  // clip and AdamW over the arenas
  let offset = 0;
  layout.arenas.forEach((n, i) => {
    d(g.sumSquaresPartial(n, offset), { grads: grads[i], partials });
    offset += sumsqParts[i];
  });
  d(g.gradNorm(offset, o.clip), { partials, stats, state });
  layout.arenas.forEach((n, i) => {
    const adamw = g.adamwArena(n, layout.decayEnds[i], { beta1: opt.beta1, beta2: opt.beta2, eps: opt.eps });
    d(adamw, { param: params[i], grads: grads[i], m: m[i], v: v[i], stats, state, hyper });
  });
  return { params, grads, m, v, batches, stats, state, hyper };
}
