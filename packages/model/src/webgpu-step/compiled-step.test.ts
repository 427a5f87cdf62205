// The compiled WebGPU step against the per-op tfjs path (itself checked against PyTorch): the
// same losses over 20 steps of bench-5m from the same init and data; gradient accumulation; a
// resume through sync continues exactly; one submit and a fixed dispatch count per step; a
// non-finite step leaves the weights alone. On SwiftShader in CI.
import * as tf from '@tensorflow/tfjs-core';
import { getPreset, resolveConfig } from '@tinylm/arch-config';
import { AdamW, countWebGpuCommands, initBackend, probeBackend } from '@tinylm/kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { gate } from '../../../../tooling/test-env';
import { LlamaModel } from '../model';
import { seededRandom } from '../sampling';
import { applyGradients, computeGradients, trainStep } from '../train-step';
import { CompiledTrainStep, type MicroBatch } from './compiled-step';

const webgpu = await probeBackend('webgpu');
const tiny = resolveConfig({
  vocabSize: 256,
  hiddenSize: 64,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: 96,
  maxPositionEmbeddings: 32,
});

function batches(vocab: number, rows: number, n: number, seed: number): MicroBatch[] {
  const random = seededRandom(seed);
  const draw = () => Int32Array.from({ length: rows }, () => Math.floor(random() * vocab));
  return Array.from({ length: n }, () => ({ ids: draw(), targets: draw() }));
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe.runIf(gate('webgpu', webgpu.available, webgpu.reason))('CompiledTrainStep (webgpu)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'webgpu' });
  });

  it('trains bench-5m for 20 steps with the losses of the tfjs path (1e-4 relative)', { timeout: 600_000 }, async () => {
    const config = getPreset('bench-5m').config;
    const [B, T] = [1, 16];
    const data = batches(config.vocabSize, B * T, 20, 7);
    const reference = LlamaModel.create(config, { seed: 0 });
    const refOpt = new AdamW({ lr: 1e-3, beta1: 0.9, beta2: 0.95, weightDecay: 0.1 });
    const expected: { loss: number; gradNorm: number }[] = [];
    for (const mb of data) {
      const ids = tf.tensor2d(mb.ids, [B, T], 'int32');
      const targets = tf.tensor2d(mb.targets, [B, T], 'int32');
      expected.push(await trainStep(reference, refOpt, ids, targets));
      tf.dispose([ids, targets]);
    }
    const model = LlamaModel.create(config, { seed: 0 });
    const opt = new AdamW({ lr: 1e-3, beta1: 0.9, beta2: 0.95, weightDecay: 0.1 });
    const step = await CompiledTrainStep.create(model, opt, { batch: B, seq: T });
    // submitted back to back: each promise resolves when its step is done
    const got = await Promise.all(data.map((mb) => step.run([mb])));
    for (let i = 0; i < 20; i++) {
      expect(relative(got[i].loss, expected[i].loss), `loss of step ${i + 1}`).toBeLessThan(1e-4);
      expect(relative(got[i].gradNorm, expected[i].gradNorm), `grad norm of step ${i + 1}`).toBeLessThan(1e-3);
      expect(got[i].skipped).toBe(false);
    }
    await step.sync();
    expect(opt.steps).toBe(20);
    // the synced weights are the reference's
    const [a, b] = [await model.params.get('model.norm.weight')!.data(), await reference.params.get('model.norm.weight')!.data()];
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4);
    step.dispose();
    [model, reference].forEach((m) => m.dispose());
    [opt, refOpt].forEach((o) => o.dispose());
  });

  it('averages gradients over micro-batches as the tfjs path does', { timeout: 300_000 }, async () => {
    const [B, T] = [2, 12];
    const data = batches(tiny.vocabSize, B * T, 6, 3);
    data[1].targets[5] = -100; // ignored targets change the per-micro-batch mean
    const reference = LlamaModel.create(tiny, { seed: 1 });
    const refOpt = new AdamW({ lr: 3e-3 });
    const expected: number[] = [];
    for (let s = 0; s < 3; s++) {
      const parts = [data[2 * s], data[2 * s + 1]].map((mb) => {
        const ids = tf.tensor2d(mb.ids, [B, T], 'int32');
        const targets = tf.tensor2d(mb.targets, [B, T], 'int32');
        const g = computeGradients(reference, ids, targets);
        tf.dispose([ids, targets]);
        return g;
      });
      const grads = Object.fromEntries(
        Object.keys(parts[0].grads).map((k) => [k, tf.div(tf.add(parts[0].grads[k], parts[1].grads[k]), 2)]),
      );
      expected.push(((await parts[0].loss.data())[0] + (await parts[1].loss.data())[0]) / 2);
      parts.forEach((p) => tf.dispose([p.loss, ...Object.values(p.grads)]));
      await applyGradients(reference, refOpt, grads, { lr: 3e-3 });
    }
    const model = LlamaModel.create(tiny, { seed: 1 });
    const opt = new AdamW({ lr: 3e-3 });
    const step = await CompiledTrainStep.create(model, opt, { batch: B, seq: T, microBatches: 2 });
    for (let s = 0; s < 3; s++) {
      const r = await step.run([data[2 * s], data[2 * s + 1]], 3e-3);
      expect(relative(r.loss, expected[s]), `loss of step ${s + 1}`).toBeLessThan(1e-4);
    }
    step.dispose();
    [model, reference].forEach((m) => m.dispose());
    [opt, refOpt].forEach((o) => o.dispose());
  });

  it('resumes exactly: sync, rebuild from the model and optimizer, continue', { timeout: 300_000 }, async () => {
    const [B, T] = [2, 16];
    const data = batches(tiny.vocabSize, B * T, 6, 5);
    const run = async (split: boolean) => {
      const model = LlamaModel.create(tiny, { seed: 2 });
      const opt = new AdamW({ lr: 2e-3 });
      let step = await CompiledTrainStep.create(model, opt, { batch: B, seq: T });
      const losses: number[] = [];
      for (let i = 0; i < data.length; i++) {
        if (split && i === 3) {
          await step.sync();
          step.dispose();
          step = await CompiledTrainStep.create(model, opt, { batch: B, seq: T });
        }
        losses.push((await step.run([data[i]], 2e-3)).loss);
      }
      step.dispose();
      model.dispose();
      opt.dispose();
      return losses;
    };
    const whole = await run(false);
    const resumed = await run(true);
    expect(resumed).toEqual(whole); // bit for bit
  });

  it('is one submit and one compute pass per step, with 25 dispatches a layer', { timeout: 300_000 }, async () => {
    const model = LlamaModel.create(tiny, { seed: 0 });
    const opt = new AdamW();
    const step = await CompiledTrainStep.create(model, opt, { batch: 1, seq: 8 });
    const [mb] = batches(tiny.vocabSize, 8, 1, 1);
    await step.run([mb]);
    const { counts } = await countWebGpuCommands(tf.backend(), () => step.run([mb]));
    expect(counts.submits).toBe(1);
    expect(counts.computePasses).toBe(1);
    // per micro-batch 9 forward + 16 backward programs a layer and 10 outside the layers; then 2 per arena + 1 for the optimizer
    expect(step.dispatchesPerStep).toBe(25 * tiny.numLayers + 10 + 3);
    expect(counts.dispatches).toBe(step.dispatchesPerStep);
    step.dispose();
    model.dispose();
    opt.dispose();
  });

  it('does not apply a step whose loss is not finite, nor any after it', { timeout: 300_000 }, async () => {
    const model = LlamaModel.create(tiny, { seed: 0 });
    const opt = new AdamW({ lr: 1e-2 });
    const step = await CompiledTrainStep.create(model, opt, { batch: 1, seq: 8 });
    const [good, bad, after] = batches(tiny.vocabSize, 8, 3, 9);
    bad.targets.fill(-100); // no target: the mean loss is 0 / 0
    expect((await step.run([good])).skipped).toBe(false);
    await step.sync();
    const before = await model.params.get('model.embed_tokens.weight')!.data();
    const r = await step.run([bad]);
    expect(Number.isNaN(r.loss)).toBe(true);
    expect(r.skipped).toBe(true);
    expect((await step.run([after])).skipped).toBe(true); // the stop is sticky
    await step.sync();
    expect(opt.steps).toBe(1);
    expect(await model.params.get('model.embed_tokens.weight')!.data()).toEqual(before);
    step.dispose();
    model.dispose();
    opt.dispose();
  });

  it('names what is wrong with its input', { timeout: 300_000 }, async () => {
    const model = LlamaModel.create(tiny, { seed: 0 });
    const opt = new AdamW();
    await expect(CompiledTrainStep.create(model, opt, { batch: 1, seq: 64 })).rejects.toThrow(
      /seq 64 exceeds maxPositionEmbeddings \(32\)/,
    );
    const step = await CompiledTrainStep.create(model, opt, { batch: 1, seq: 8 });
    const [mb] = batches(tiny.vocabSize, 8, 1, 1);
    expect(() => step.run([mb, mb])).toThrow(/2 micro-batches, the step was built for 1/);
    expect(() => step.run([{ ids: mb.ids.subarray(0, 4), targets: mb.targets }])).toThrow(/4 ids, expected 1 x 8 = 8/);
    const badIds = Int32Array.from(mb.ids);
    badIds[3] = 256;
    expect(() => step.run([{ ids: badIds, targets: mb.targets }])).toThrow(/ids\[3\] = 256 is outside the vocabulary \[0, 256\)/);
    step.dispose();
    expect(() => step.run([mb])).toThrow(/after dispose/);
    model.dispose();
    opt.dispose();
  });
});
