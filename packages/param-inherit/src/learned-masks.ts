// Learned structured masks: Sheared-LLaMA's targeted structured pruning (Xia et al. 2023, arXiv
// 2310.06694), the closest published match to the PanGu-π Pro paper's "learnable binary masks"
// (docs/method.md section 3). What is followed:
//   - hard-concrete masks (hard-concrete.ts) over layers, KV groups, query heads, FFN neurons and
//     hidden channels, multiplying the units' outputs in the source model's forward pass
//     (forward.ts; the hidden mask multiplies the embedding columns and every residual write);
//   - per structure s, a constraint c_s = (E[size_s] - target_s) / N_s on the expected number of
//     kept units (per layer for heads / KV groups / neurons, in total for layers and channels),
//     and the Lagrangian  lambda1_s c_s + lambda2_s c_s^2  added to the LM loss;
//   - log-alphas minimise the sum (AdamW), the lambdas maximise it (AdamW on negated gradients,
//     CoFiPruning's negative learning rate); weights are frozen unless trainWeights;
//   - at the end, a deterministic top-k by log-alpha to exactly the target shape (per layer for
//     heads / groups / neurons) and CoFi's deterministic mask values folded into the kept weights.
// What is simplified (documented in docs/param-inherit.md): one optimiser step per batch with no
// warm-up of the target (Sheared-LLaMA ramps it), one combined layer mask instead of separate
// attention / MLP layer masks, RMSNorm means over all channels while masks train (the fold
// rescales the norm weights by sqrt(C / C') so the pruned model equals the deterministic masked
// one), and no masks for structures that keep every unit.
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from '@tinylm/arch-config';
import { AdamW, clipGradNorm, crossEntropy } from '@tinylm/kernels';
import { type CalibrationData, calibrationBatches } from './calibration';
import { InheritOptionError } from './errors';
import { batchTensors, forwardLogits, type MaskValues } from './forward';
import { deterministicValue, keepProbability, logAlphaFor, sampleHardConcrete } from './hard-concrete';
import { topK } from './plan';

/** Options of the learned criterion. */
export interface LearnedMaskOptions {
  /** Optimisation steps (one calibration batch each, cycling); default 50. */
  steps?: number;
  /** AdamW learning rate of the log-alphas; default 0.1. */
  maskLr?: number;
  /** AdamW learning rate of the Lagrange multipliers (gradient ascent); default 0.1. */
  lambdaLr?: number;
  /** Train the weights together with the masks (Sheared-LLaMA does); default false (frozen). */
  trainWeights?: boolean;
  /** AdamW learning rate of the weights when trained; default 1e-4. */
  weightLr?: number;
  /**
   * Initial drop rate of every mask (log_alpha = log(1 - p) - log p); default 0.1: masks start
   * almost all on, so the frozen model stays close to the source while the LM loss ranks units.
   * (Sheared-LLaMA uses 0.5 with weights trained jointly for thousands of steps; with frozen
   * weights and tens of steps 0.5 gave clearly worse students, see docs/param-inherit.md.)
   */
  droprateInit?: number;
  /**
   * Fraction of the steps over which the targets move linearly from the source's sizes to the
   * target's (Sheared-LLaMA's Lagrangian warm-up, 640 of 3200 steps); default 0.2.
   */
  warmup?: number;

  /** Seed of the hard-concrete noise; default 0. */
  seed?: number;
  /** Called after every step. */
  onStep?: (step: MaskStep) => void;
}

/** Which structures get masks, and their target counts. */
export interface MaskTargets {
  /** Kept layers out of the working layers, when layers are learned. */
  layers?: number;
  /** Query heads per KV group to keep (masks on query heads), when that shrinks. */
  headsPerGroup?: number;
  /** KV groups per layer to keep (masks on KV groups), when that shrinks. */
  kvHeads?: number;
  /** FFN neurons per layer, when that shrinks. */
  ffn?: number;
  /** Hidden channels, when that shrinks. */
  hidden?: number;
}

/** One step's record. */
export interface MaskStep {
  step: number;
  lmLoss: number;
  lagrangian: number;
  /** Expected kept units per structure (per layer for heads, KV groups, FFN). */
  expected: Record<string, number>;
}

/** Trained log-alphas (per working layer where per layer) and what happened. */
export interface MaskTrainingResult {
  logAlpha: {
    layer?: Float32Array;
    heads?: Float32Array[];
    kvHeads?: Float32Array[];
    ffn?: Float32Array[];
    hidden?: Float32Array;
  };
  history: MaskStep[];
  /** Final multipliers per structure: [lambda1, lambda2]. */
  lambdas: Record<string, [number, number]>;
  /** The weights after training, when trainWeights. */
  weights?: Map<string, { data: Float32Array; shape: number[] }>;
}

/**
 * Trains hard-concrete masks on the source model restricted to `layers` (working layers), with
 * the LM loss on calibration batches plus the Lagrangian pulling expected sizes to `targets`.
 */
export async function trainMasks(
  c: LlamaConfig,
  weights: ReadonlyMap<string, tf.Variable>,
  layers: readonly number[],
  data: CalibrationData,
  targets: MaskTargets,
  o: LearnedMaskOptions = {},
): Promise<MaskTrainingResult> {
  const steps = o.steps ?? 50;
  if (!Number.isInteger(steps) || steps < 0)
    throw new InheritOptionError(`steps = ${steps} is invalid: allowed integers >= 0`, { field: 'steps' });
  const droprate = o.droprateInit ?? 0.1;
  if (!(droprate > 0 && droprate < 1))
    throw new InheritOptionError(`droprateInit = ${droprate} is invalid: allowed (0, 1)`, { field: 'droprateInit' });
  const [lw, h, kv, f, ch] = [layers.length, c.numHeads, c.numKvHeads, c.intermediateSize, c.hiddenSize];
  const g = h / kv;
  const seed = o.seed ?? 0;
  const init = logAlphaFor(droprate);
  // small noise breaks ties between units, as CoFi's normal_(init, 1e-2)
  const alpha = (shape: number[], k: number) =>
    tf.variable(tf.randomNormal(shape, init, 1e-2, 'float32', seed * 7919 + k + 1), true, `inherit-mask#${seed}#${k}#${Math.random()}`);
  const la = {
    layer: targets.layers !== undefined ? alpha([lw], 1) : undefined,
    kvHeads: targets.kvHeads !== undefined ? alpha([lw, kv], 2) : undefined,
    heads: targets.headsPerGroup !== undefined ? alpha([lw, h], 3) : undefined,
    ffn: targets.ffn !== undefined ? alpha([lw, f], 4) : undefined,
    hidden: targets.hidden !== undefined ? alpha([ch], 5) : undefined,
  };
  // constraints: name -> [expected size (tensor), target, normaliser]
  const names = Object.entries(la)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k as keyof typeof la);
  const lambda1 = tf.variable(tf.zeros([names.length]), true, `inherit-lambda1#${Math.random()}`);
  const lambda2 = tf.variable(tf.zeros([names.length]), true, `inherit-lambda2#${Math.random()}`);
  const expected = (): Record<string, tf.Scalar> => {
    const e: Record<string, tf.Scalar> = {};
    if (la.layer) e.layer = tf.sum(keepProbability(la.layer));
    if (la.kvHeads) e.kvHeads = tf.div(tf.sum(keepProbability(la.kvHeads)), lw);
    if (la.heads) {
      // query heads per layer; a head survives when it and its KV group do
      let p = keepProbability(la.heads); // (Lw, H)
      if (la.kvHeads) p = tf.mul(p, tf.reshape(tf.tile(tf.expandDims(keepProbability(la.kvHeads), 2), [1, 1, g]), [lw, h]));
      e.heads = tf.div(tf.sum(p), lw);
    }
    if (la.ffn) e.ffn = tf.div(tf.sum(keepProbability(la.ffn)), lw);
    if (la.hidden) e.hidden = tf.sum(keepProbability(la.hidden));
    return e;
  };
  // [final target, source count (also the normaliser)]
  const goal: Record<string, [number, number]> = {
    layer: [targets.layers ?? 0, lw],
    kvHeads: [targets.kvHeads ?? 0, kv],
    heads: [(targets.headsPerGroup ?? 0) * (targets.kvHeads ?? kv), h],
    ffn: [targets.ffn ?? 0, f],
    hidden: [targets.hidden ?? 0, ch],
  };
  const warmup = o.warmup ?? 0.2;
  if (!(warmup >= 0 && warmup <= 1)) throw new InheritOptionError(`warmup = ${warmup} is invalid: allowed [0, 1]`, { field: 'warmup' });
  const warmupSteps = Math.round(warmup * steps);
  const targetAt = (n: string, step: number) => {
    const [target, full] = goal[n];
    const r = warmupSteps === 0 ? 1 : Math.min(1, (step + 1) / warmupSteps);
    return full - (full - target) * r;
  };
  const masksFrom = (z: Record<string, tf.Tensor | undefined>): MaskValues => {
    let heads = z.heads;
    if (z.kvHeads) {
      const perHead = tf.reshape(tf.tile(tf.expandDims(z.kvHeads, 2), [1, 1, g]), [lw, h]);
      heads = heads ? tf.mul(heads, perHead) : perHead;
    }
    return { layer: z.layer, heads, ffn: z.ffn, hidden: z.hidden };
  };

  const maskVars = names.map((n) => la[n]!);
  const weightVars = o.trainWeights ? [...weights.values()] : [];
  const maskOpt = new AdamW({ lr: o.maskLr ?? 0.1, weightDecay: 0 });
  const lambdaOpt = new AdamW({ lr: o.lambdaLr ?? 0.1, weightDecay: 0 });
  const weightOpt = new AdamW({ lr: o.weightLr ?? 1e-4, weightDecay: 0 });
  const batches = calibrationBatches(data);
  const history: MaskStep[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const { ids, targets: next } = batchTensors(batches[step % batches.length]);
      let lm: tf.Scalar | undefined;
      let lag: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const z: Record<string, tf.Tensor | undefined> = {};
        names.forEach((n, k) => (z[n] = sampleHardConcrete(la[n]!, seed * 100003 + step * 16 + k + 1)));
        const ce = crossEntropy(forwardLogits(c, weights, layers, ids, masksFrom(z)), next);
        const e = expected();
        let l: tf.Tensor = tf.scalar(0);
        names.forEach((n, k) => {
          const gap = tf.div(tf.sub(e[n], targetAt(n, step)), goal[n][1]);
          l = tf.add(l, tf.add(tf.mul(tf.gather(lambda1, k), gap), tf.mul(tf.gather(lambda2, k), tf.square(gap))));
        });
        lm = tf.keep(ce);
        lag = tf.keep(l as tf.Scalar);
        return tf.add(ce, l) as tf.Scalar;
      }, [...maskVars, lambda1, lambda2, ...weightVars]);
      const pick = (vars: tf.Variable[], sign = 1) => {
        const out: Record<string, tf.Tensor> = {};
        for (const v of vars) if (grads[v.name]) out[v.name] = sign === 1 ? grads[v.name] : tf.neg(grads[v.name]);
        return out;
      };
      const byName = (vars: tf.Variable[]) => Object.fromEntries(vars.map((v) => [v.name, v]));
      maskOpt.apply(byName(maskVars), pick(maskVars));
      const ascent = pick([lambda1, lambda2], -1);
      lambdaOpt.apply(byName([lambda1, lambda2]), ascent);
      if (weightVars.length > 0) {
        const { grads: clipped, norm } = clipGradNorm(pick(weightVars), 1.0);
        weightOpt.apply(byName(weightVars), clipped);
        tf.dispose([norm, ...Object.values(clipped)]);
      }
      const e = tf.tidy(expected);
      const record: MaskStep = { step: step + 1, lmLoss: (await lm!.data())[0], lagrangian: (await lag!.data())[0], expected: {} };
      for (const [k, t] of Object.entries(e)) record.expected[k] = (await t.data())[0];
      history.push(record);
      o.onStep?.(record);
      tf.dispose([value, ids, next, lm!, lag!, ...Object.values(grads), ...Object.values(ascent), ...Object.values(e)]);
    }
    const read = async (v: tf.Variable | undefined) => (v ? ((await v.data()) as Float32Array).slice() : undefined);
    const rows = (a: Float32Array | undefined, n: number) =>
      a ? Array.from({ length: a.length / n }, (_, i) => a.slice(i * n, (i + 1) * n)) : undefined;
    const l1 = await lambda1.data();
    const l2 = await lambda2.data();
    const result: MaskTrainingResult = {
      logAlpha: {
        layer: await read(la.layer),
        kvHeads: rows(await read(la.kvHeads), kv),
        heads: rows(await read(la.heads), h),
        ffn: rows(await read(la.ffn), f),
        hidden: await read(la.hidden),
      },
      history,
      lambdas: Object.fromEntries(names.map((n, k) => [n, [l1[k], l2[k]]])),
    };
    if (o.trainWeights) {
      result.weights = new Map();
      for (const [name, v] of weights) result.weights.set(name, { data: (await v.data()) as Float32Array, shape: [...v.shape] });
    }
    return result;
  } finally {
    tf.dispose([...maskVars, lambda1, lambda2]);
    maskOpt.dispose();
    lambdaOpt.dispose();
    weightOpt.dispose();
  }
}

/** The deterministic selection of one structure: kept indices (ascending) and their fold values. */
export function deterministicTopK(logAlpha: ArrayLike<number>, k: number): { kept: number[]; values: number[] } {
  const kept = topK(logAlpha, k);
  return { kept, values: kept.map((i) => deterministicValue(logAlpha[i])) };
}
