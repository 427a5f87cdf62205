// The training-throughput benchmark: the same work per step as packages/cli/bench/torch_train_ref.py
// (forward, backward, clip 1.0, AdamW betas 0.9/0.95 wd 0.1, lr 1e-3) on random token batches, so
// tokens/s can be compared with PyTorch side by side.
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from '@tinylm/arch-config';
import { AdamW, countWebGpuCommands, type GpuCommandCounts } from '@tinylm/kernels';
import { LlamaModel } from './model';
import { seededRandom } from './sampling';
import { trainStep } from './train-step';
import { CompiledTrainStep } from './webgpu-step/compiled-step';
import { type WebGpuStepChoice, webgpuStepChoice } from './webgpu-step/choice';
import { parseOptions } from '@tinylm/errors';
import { benchTrainOptions } from './options';

export interface BenchTrainOptions {
  batch: number;
  seq: number;
  steps: number;
  /** Untimed steps first (kernel compilation, allocator warm-up). */
  warmup?: number;
  /** Stop the timed steps once this many seconds have passed (at least one step runs). */
  maxSeconds?: number;
  seed?: number;
  /** On webgpu: the compiled step (default) or the per-op tfjs path. */
  webgpuStep?: WebGpuStepChoice;
}

export interface BenchTrainResult {
  params: number;
  /** Timed steps actually run (fewer than asked when maxSeconds ran out). */
  steps: number;
  tokens_per_step: number;
  step_ms: number;
  tokens_per_s: number;
  /** 'compiled webgpu step' or 'tfjs' (the per-op path). */
  step_path: string;
  /** Loss of every step, warm-up included. */
  losses: number[];
  /** tfjs kernel calls in one more (untimed) step, counted with tf.profile. */
  kernel_calls_per_step: number;
  /** On webgpu: queue submits, compute passes and dispatches of that step. */
  gpu?: { submits_per_step: number; compute_passes_per_step: number; dispatches_per_step: number };
}

/** Counts one more step: tfjs kernel calls, and on webgpu the GPU commands it sends. */
async function countStep(step: () => Promise<unknown>): Promise<Pick<BenchTrainResult, 'kernel_calls_per_step' | 'gpu'>> {
  let calls = 0;
  const profiled = async () => {
    calls = (await tf.profile(async () => void (await step()))).kernels.length;
  };
  if (tf.getBackend() !== 'webgpu') {
    await profiled();
    return { kernel_calls_per_step: calls };
  }
  const { counts } = await countWebGpuCommands(tf.backend(), profiled);
  const gpu = (c: GpuCommandCounts) => ({
    submits_per_step: c.submits,
    compute_passes_per_step: c.computePasses,
    dispatches_per_step: c.dispatches,
  });
  return { kernel_calls_per_step: calls, gpu: gpu(counts) };
}

export async function benchTrain(config: LlamaConfig, options: BenchTrainOptions): Promise<BenchTrainResult> {
  options = parseOptions(benchTrainOptions, options, 'benchTrain');
  const { batch, seq, steps } = options;
  const warmup = options.warmup ?? 1;
  const seed = options.seed ?? 0;
  const model = LlamaModel.create({ ...config, maxPositionEmbeddings: Math.max(seq, config.maxPositionEmbeddings) }, { seed });
  const opt = new AdamW({ lr: 1e-3, beta1: 0.9, beta2: 0.95, weightDecay: 0.1 });
  const random = seededRandom(seed + 1);
  const tokens = (n: number) => Int32Array.from({ length: n }, () => Math.floor(random() * config.vocabSize));
  const ids = tf.tensor2d(tokens(batch * seq), [batch, seq], 'int32');
  const targets = tf.tensor2d(tokens(batch * seq), [batch, seq], 'int32');
  const losses: number[] = [];
  const compiled =
    tf.getBackend() === 'webgpu' && webgpuStepChoice(options.webgpuStep) === 'compiled'
      ? await CompiledTrainStep.create(model, opt, { batch, seq })
      : undefined;
  const idsHost = compiled ? ((await ids.data()) as Int32Array) : undefined;
  const targetsHost = compiled ? ((await targets.data()) as Int32Array) : undefined;
  // the compiled step is submitted one step ahead of the readback, as the trainer runs it
  const step = compiled ? () => compiled.run([{ ids: idsHost!, targets: targetsHost! }]) : () => trainStep(model, opt, ids, targets);
  const runSteps = async (n: number, budgetMs = Infinity) => {
    const t0 = performance.now();
    let pending: Promise<{ loss: number }> | undefined;
    let done = 0;
    while (done < n && (done === 0 || performance.now() - t0 < budgetMs)) {
      const next = step();
      if (pending) losses.push((await pending).loss);
      pending = next;
      if (!compiled) losses.push((await pending).loss), (pending = undefined); // the tfjs path one step at a time, as before
      done += 1;
    }
    if (pending) losses.push((await pending).loss);
    return { done, ms: performance.now() - t0 };
  };
  try {
    await runSteps(warmup);
    const timed = await runSteps(steps, (options.maxSeconds ?? Infinity) * 1000);
    const stepMs = timed.ms / timed.done;
    const counted = await countStep(step);
    return {
      params: model.numParams(),
      steps: timed.done,
      tokens_per_step: batch * seq,
      step_ms: Math.round(stepMs * 10) / 10,
      tokens_per_s: Math.round(((batch * seq) / stepMs) * 1000 * 10) / 10,
      step_path: compiled ? 'compiled webgpu step' : 'tfjs',
      losses,
      ...counted,
    };
  } finally {
    compiled?.dispose();
    tf.dispose([ids, targets]);
    opt.dispose();
    model.dispose();
  }
}
