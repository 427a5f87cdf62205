// Learned masks (Sheared-LLaMA): the Lagrangian pulls the expected sizes to the target, the
// deterministic top-k gives exactly the target shape, and folding the mask values into the
// weights gives a pruned model whose logits equal the deterministic masked source model's.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfig } from '@tinylm/arch-config';
import { initBackend } from '@tinylm/kernels';
import { loadHfModel } from '@tinylm/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logitsOf, maxDiff, pseudoTokens, tempDir, tensorsOf, writeSource } from './__fixtures__/models';
import { forwardLogits } from './forward';
import { HARD_CONCRETE, keepProbability, sampleHardConcrete } from './hard-concrete';
import { inheritParams } from './inherit';
import type { InheritReport } from './report';

// 12 heads of size 4 in 3 KV groups of 4 -> 6 heads in 2 groups of 3: KV-group and head masks both
const SOURCE = { vocabSize: 64, hiddenSize: 48, numLayers: 3, numHeads: 12, numKvHeads: 3, intermediateSize: 64, rmsNormEps: 1e-12 };
const TARGET = { ...SOURCE, numLayers: 2, hiddenSize: 24, numHeads: 6, numKvHeads: 2, intermediateSize: 40 };
const calibration = { tokens: [pseudoTokens(800, 64, 3)], seqLen: 16, samples: 8, batchSize: 4 };
const IDS = [5, 17, 3, 60, 42, 0, 33, 12];

let tmp: Awaited<ReturnType<typeof tempDir>>;
let src: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  tmp = await tempDir('learned');
  src = join(tmp.dir, 'src');
  await writeSource(src, SOURCE, { seed: 3 });
});
afterAll(async () => tmp.cleanup());

const readReport = async (dir: string) => JSON.parse(await readFile(join(dir, 'inherit-report.json'), 'utf8')) as InheritReport;

describe('hard-concrete', () => {
  it('samples lie in [0, 1] with exact zeros and ones, and P(z != 0) matches keepProbability', async () => {
    const la = tf.fill([20000], 0.5);
    const z = (await sampleHardConcrete(la, 11).data()) as Float32Array;
    expect(Math.min(...z)).toBe(0);
    expect(Math.max(...z)).toBe(1);
    const nonzero = z.filter((v) => v > 0).length / z.length;
    const p = (await keepProbability(tf.scalar(0.5)).data())[0];
    expect(Math.abs(nonzero - p)).toBeLessThan(0.01);
    expect(HARD_CONCRETE).toEqual({ beta: 2 / 3, gamma: -0.1, zeta: 1.1, eps: 1e-6 });
  });
});

describe('learned masks', () => {
  it('layers + width learned jointly: target shape exactly, pruned model = deterministic masked source', async () => {
    const out = join(tmp.dir, 'joint');
    const { report } = await inheritParams({
      from: src,
      to: TARGET,
      out,
      layers: 'learned',
      width: 'learned',
      calibration,
      learned: { steps: 30 },
    });
    const learned = report.learned!;
    expect(learned.steps).toBe(30);
    expect(Object.keys(learned.lambdas).sort()).toEqual(['ffn', 'heads', 'hidden', 'kvHeads', 'layer']);
    expect(learned.targets).toEqual({ layers: 2, headsPerGroup: 3, kvHeads: 2, ffn: 40, hidden: 24 });
    // the Lagrangian pulls every expected size from "everything" towards its target
    const first = learned.history[0].expected;
    const last = learned.history[learned.history.length - 1].expected;
    const goal: Record<string, number> = { layer: 2, kvHeads: 2, heads: 6, ffn: 40, hidden: 24 };
    for (const k of Object.keys(goal)) expect(Math.abs(last[k] - goal[k]), k).toBeLessThan(Math.abs(first[k] - goal[k]));
    // the masked source model with the deterministic mask values, dropped units at 0
    const fold = learned.folded as { layer: number[]; heads: number[][]; ffn: number[][]; hidden: number[]; norm: number };
    expect(fold.norm).toBeCloseTo(Math.sqrt(48 / 24), 5);
    const zLayer = new Float32Array(3);
    const zHeads = new Float32Array(3 * 12);
    const zFfn = new Float32Array(3 * 64);
    const zHidden = new Float32Array(48);
    report.layers.kept.forEach((l, i) => {
      zLayer[l] = fold.layer[i];
      report.attention[i].heads.kept.forEach((h, j) => (zHeads[l * 12 + h] = fold.heads[i][j]));
      report.ffn[i].neurons.kept.forEach((f, j) => (zFfn[l * 64 + f] = fold.ffn[i][j]));
    });
    report.hidden.kept.forEach((c, j) => (zHidden[c] = fold.hidden[j]));
    const source = await loadHfModel(src);
    const ids = tf.tensor2d([IDS], [1, IDS.length], 'int32');
    const masked = await forwardLogits(source.config, source.params, [0, 1, 2], ids, {
      layer: tf.tensor1d(zLayer),
      heads: tf.tensor2d(zHeads, [3, 12]),
      ffn: tf.tensor2d(zFfn, [3, 64]),
      hidden: tf.tensor1d(zHidden),
    }).data();
    const pruned = await logitsOf(out, IDS);
    const spread = Math.max(...pruned) - Math.min(...pruned);
    expect(spread).toBeGreaterThan(0.1);
    expect(maxDiff(pruned, masked)).toBeLessThan(1e-4 * Math.max(1, spread));
    // and it is not simply the source: the fold changed the weights
    expect(maxDiff(pruned, await logitsOf(src, IDS).then((l) => l))).toBeGreaterThan(1e-3);
    source.dispose();
  });

  it('width learned inside first-last layers; trainWeights writes the trained weights in the source dtype', async () => {
    const bf = join(tmp.dir, 'src-bf16');
    await writeSource(bf, SOURCE, { seed: 3, dtype: 'bfloat16' });
    const frozen = join(tmp.dir, 'frozen');
    const trained = join(tmp.dir, 'trained');
    const base = { from: bf, to: TARGET, layers: 'first-last' as const, width: 'learned' as const, calibration };
    const a = await inheritParams({ ...base, out: frozen, learned: { steps: 6 } });
    const _b = await inheritParams({ ...base, out: trained, learned: { steps: 6, trainWeights: true, weightLr: 1e-2 } });
    expect(a.report.layers.kept).toEqual([0, 2]);
    expect(a.report.learned!.targets).toEqual({ headsPerGroup: 3, kvHeads: 2, ffn: 40, hidden: 24 });
    expect(JSON.parse(await readFile(join(trained, 'config.json'), 'utf8')).torch_dtype).toBe('bfloat16');
    expect((await readReport(trained)).target.dtype).toBe('BF16');
    const ta = await tensorsOf(frozen);
    const tb = await tensorsOf(trained);
    expect(maxDiff(ta.get('model.layers.0.mlp.up_proj.weight')!.data, tb.get('model.layers.0.mlp.up_proj.weight')!.data)).toBeGreaterThan(
      1e-3,
    );
    expect(resolveConfig(TARGET).numHeads).toBe(6);
  });
});
