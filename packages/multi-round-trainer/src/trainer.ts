// The training loop and multiple-round training (PanGu-π Pro, PAPER.md section 4).
// Round 1 trains on all batches; after each round the frozen model scores every batch (or
// sequence) and the next round trains on N0 = rate × N of them drawn by p ∝ exp(loss / τ).
// Per optimizer step: `gradAccum` micro-batches of `batchSize` sequences, gradients averaged,
// global-norm clip, AdamW at the scheduled rate (warmup then cosine, one schedule over every
// round). Checkpoints are atomic and hold all a resume needs: weights, Adam moments, step,
// round, data position and the round's selection (randomness is counter-based, see random.ts),
// so a resumed run repeats the losses of an uninterrupted one bit for bit on the cpu backend.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW } from '@tinylm/kernels';
import type { LlamaModel, MicroBatch, WebGpuStepChoice } from '@tinylm/model';
import type { Tokenizer } from '@tinylm/tokenizer-prune';
import { type BatchPartition, firstRoundPlan, partitionBatches, type RoundPlan, refinedRoundPlan, refinedRoundSize } from './batches';
import { listCheckpoints, loadLatestCheckpoint, removeStaleTemps, saveCheckpoint } from './checkpoint';
import { type PackedData, sequenceAt } from './data/dataset';
import { CheckpointError, TrainingDataError, TrainingDivergedError } from './errors';
import { bytesPerTokenOf, type EvalResult, evaluate } from './evaluate';
import { MetricsLog } from './metrics';
import { type Granularity, lossStats, sampleByLoss, scoreUnits, selectedSequences } from './refine';
import { lrAt, type LrSchedule } from './schedule';
import { createStepRunner, type StepOutcome } from './step-runner';
import { parseOptions } from '@tinylm/errors';
import { trainOptions } from './options';

/** A submitted optimizer step, with what its log line and a divergence error need. */
interface TakenStep {
  outcome: Promise<StepOutcome>;
  step: number;
  round: number;
  /** First micro-batch of the round it used. */
  position: number;
  lr: number;
  plan: RoundPlan;
}

export interface TrainOptions {
  model: LlamaModel;
  train: PackedData;
  val: PackedData;
  /** Run folder: metrics.jsonl, checkpoints step-XXXXXXXX/, rounds/round-N.json. */
  outDir: string;
  batchSize: number;
  /** Micro-batches per optimizer step; default 1. */
  gradAccum?: number;
  /** Optimizer steps of round 1; default one epoch (N batches / gradAccum). */
  steps?: number;
  /** Peak learning rate; default 1e-4 (the authors' config). */
  lr?: number;
  /** Floor of the cosine decay; default 1e-5. */
  minLr?: number;
  /** Default 0.03. */
  warmupRatio?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Global gradient-norm clip; default 1.0. */
  clip?: number;
  /** Evaluate every N steps (0: only at the end of each round). */
  evalEvery?: number;
  /** Held-out sequences per evaluation; default all, at most 64. */
  evalSequences?: number;
  /** Checkpoint every N steps (0: only at round ends and the end). */
  checkpointEvery?: number;
  /** Checkpoints kept; default 3. */
  keep?: number;
  /** Rounds; default 2 (the paper's choice). */
  rounds?: number;
  /** N0 / N of refined rounds; default 0.5. */
  sampleRate?: number;
  /** τ in p ∝ exp(loss / τ); default 1. */
  temperature?: number;
  /** Score and draw whole batches (the paper) or single sequences. */
  granularity?: Granularity;
  /** Sequences per forward pass when scoring / evaluating; default 16. */
  scoreChunk?: number;
  /** Score all data once more after the last round, to report what refining did; default true. */
  finalScores?: boolean;
  seed?: number;
  /** Continue from the newest checkpoint in outDir. */
  resume?: boolean;
  /** For bits per byte (decodes the held-out ids). */
  tokenizer?: Tokenizer;
  onEvent?: (event: TrainEvent) => void;
  /**
   * On the webgpu backend: 'compiled' trains with the compiled WebGPU step, 'tfjs' with the per-op
   * path (the reference); default TINYLM_WEBGPU_STEP, else 'compiled'. Other backends always take
   * the per-op path.
   */
  webgpuStep?: WebGpuStepChoice;
}

export type TrainEvent =
  | { kind: 'start'; totalSteps: number; startStep: number; batches: number; refinedBatches: number; resumedFrom?: string; stepPath: string }
  | { kind: 'step'; round: number; step: number; totalSteps: number; loss: number; lr: number; tokensPerSecond: number; etaSeconds: number }
  | { kind: 'eval'; round: number; step: number; result: EvalResult }
  | { kind: 'score'; round: number; done: number; total: number }
  | { kind: 'round'; round: number; file: string }
  | { kind: 'checkpoint'; step: number; dir: string }
  | { kind: 'warn'; message: string };

export interface TrainResult {
  steps: number;
  tokens: number;
  finalEval: EvalResult;
  runDir: string;
}

function settingsOf(o: TrainOptions, resolved: Record<string, unknown>): Record<string, unknown> {
  return {
    model: o.model.config,
    seqLen: o.train.seqLen,
    trainSequences: o.train.sequences,
    valSequences: o.val.sequences,
    ...resolved,
  };
}

function firstDifference(a: Record<string, unknown>, b: Record<string, unknown>): string | undefined {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
      return `${key}: checkpoint has ${JSON.stringify(b[key])}, this run has ${JSON.stringify(a[key])}`;
    }
  }
  return undefined;
}

function microBatchArrays(data: PackedData, seqs: Uint32Array): MicroBatch {
  const t = data.seqLen;
  const ids = new Int32Array(seqs.length * t);
  const targets = new Int32Array(seqs.length * t);
  seqs.forEach((s, i) => {
    const seq = sequenceAt(data, s);
    ids.set(seq.subarray(0, t), i * t);
    targets.set(seq.subarray(1), i * t);
  });
  return { ids, targets };
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  o = parseOptions(trainOptions, o, 'train');
  const emit = o.onEvent ?? (() => {});
  const accum = o.gradAccum ?? 1;
  const rounds = o.rounds ?? 2;
  const rate = o.sampleRate ?? 0.5;
  const temperature = o.temperature ?? 1;
  const granularity = o.granularity ?? 'batch';
  const seed = o.seed ?? 0;
  const chunk = o.scoreChunk ?? 16;
  const keep = o.keep ?? 3;
  const B = o.batchSize;
  const T = o.train.seqLen;
  for (const [k, v] of Object.entries({ batchSize: B, gradAccum: accum, rounds })) {
    if (!Number.isInteger(v) || v < 1) throw new TrainingDataError(`${k} must be a positive integer, got ${v}`);
  }
  if (!(rate > 0 && rate <= 1)) throw new TrainingDataError(`sampleRate must be in (0, 1], got ${rate}`);
  if (!(temperature > 0)) throw new TrainingDataError(`temperature must be > 0, got ${temperature}`);
  if (T > o.model.config.maxPositionEmbeddings) {
    throw new TrainingDataError(`seqLen ${T} exceeds the model's maxPositionEmbeddings (${o.model.config.maxPositionEmbeddings})`);
  }

  const partition: BatchPartition = partitionBatches(o.train, B, seed);
  const N = partition.count;
  if (N < 1) {
    throw new TrainingDataError(`${o.train.sequences} training sequence(s) of ${T} tokens are fewer than one batch of ${B}`);
  }
  const s1 = o.steps ?? Math.max(1, Math.floor(N / accum));
  const { units, drawn, microBatches: refinedMicro, steps: refinedSteps } = refinedRoundSize({
    batches: N,
    batchSize: B,
    sampleRate: rate,
    granularity,
    gradAccum: accum,
  });
  const totalSteps = s1 + (rounds - 1) * refinedSteps;
  const schedule: LrSchedule = { lr: o.lr ?? 1e-4, minLr: o.minLr ?? 1e-5, warmupRatio: o.warmupRatio ?? 0.03, totalSteps };
  const settings = settingsOf(o, {
    batchSize: B,
    gradAccum: accum,
    steps: s1,
    rounds,
    sampleRate: rate,
    temperature,
    granularity,
    seed,
    schedule,
    clip: o.clip ?? 1.0,
    adam: [o.beta1 ?? 0.9, o.beta2 ?? 0.95, o.eps ?? 1e-8, o.weightDecay ?? 0.1],
  });

  await mkdir(join(o.outDir, 'rounds'), { recursive: true });
  await removeStaleTemps(o.outDir);
  const metrics = new MetricsLog(join(o.outDir, 'metrics.jsonl'));
  const opt = new AdamW({ lr: schedule.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay });
  let state = { step: 0, round: 1, position: 0, selection: undefined as Uint32Array | undefined, elapsed: 0 };
  let resumedFrom: string | undefined;
  const existing = await listCheckpoints(o.outDir);
  if (o.resume) {
    const ckpt = await loadLatestCheckpoint(o.outDir, (message) => emit({ kind: 'warn', message }));
    if (ckpt) {
      const diff = firstDifference(settings, ckpt.state.settings);
      if (diff) {
        ckpt.model.dispose();
        tf.dispose([...Object.values(ckpt.m), ...Object.values(ckpt.v)]);
        throw new CheckpointError(`cannot resume from ${ckpt.dir}: the run settings differ (${diff})`);
      }
      for (const [name, p] of o.model.params) p.assign(ckpt.model.params.get(name)!);
      ckpt.model.dispose();
      opt.setState({ step: ckpt.state.optimizerStep, m: ckpt.m, v: ckpt.v });
      tf.dispose([...Object.values(ckpt.m), ...Object.values(ckpt.v)]);
      const s = ckpt.state;
      state = {
        step: s.step,
        round: s.round,
        position: s.data_position.micro_batch,
        selection: s.data_position.selection ? Uint32Array.from(s.data_position.selection) : undefined,
        elapsed: s.elapsed ?? 0,
      };
      resumedFrom = ckpt.dir;
      await metrics.truncateAfter(s.step);
    }
  } else if (existing.length > 0) {
    throw new CheckpointError(`${o.outDir} already holds checkpoints (${existing[0].dir}); pass resume to continue it, or choose another folder`);
  }
  if (!resumedFrom) {
    await writeFile(metrics.path, '');
    const batches = Array.from({ length: N }, (_, k) => Array.from(partition.order.subarray(k * B, (k + 1) * B)));
    await writeFile(join(o.outDir, 'rounds', 'batches.json'), `${JSON.stringify({ batch_size: B, seq_len: T, batches })}\n`);
  }

  const evalSeqs = Math.min(o.val.sequences, o.evalSequences ?? 64);
  const bytesPerToken = bytesPerTokenOf(o.val, evalSeqs, o.tokenizer);
  const runEval = async (round: number) => {
    const result = await evaluate(o.model, o.val, { maxSequences: evalSeqs, chunk, bytesPerToken });
    await metrics.write({ step: state.step, round, val_loss: result.loss, val_bpb: result.bitsPerByte, val_ppl: result.perplexity });
    emit({ kind: 'eval', round, step: state.step, result });
    return result;
  };
  const checkpoint = async (round: number, position: number, selection?: Uint32Array) => {
    const full = {
      step: state.step,
      round,
      data_position: { micro_batch: position, selection: selection ? Array.from(selection) : undefined },
      rng_state: { seed, scheme: 'counter' as const },
      settings,
      elapsed: state.elapsed,
    };
    const dir = await saveCheckpoint(o.outDir, o.model, opt, full, keep);
    emit({ kind: 'checkpoint', step: state.step, dir });
  };

  const t0 = performance.now() - state.elapsed * 1000; // elapsed_s continues across a resume
  const tStart = performance.now(); // tokens/s and ETA count this process only
  const startStep = state.step;
  const runner = await createStepRunner(o.model, opt, {
    batch: B,
    seq: T,
    microBatches: accum,
    clip: o.clip ?? 1.0,
    webgpuStep: o.webgpuStep,
    warn: (message) => emit({ kind: 'warn', message }),
  });
  let pending: TakenStep | undefined;
  /** Waits for a submitted step's outcome, stops on divergence (naming the step), logs it. */
  const settle = async (t: TakenStep) => {
    const { loss, gradNorm, skipped } = await t.outcome;
    if (skipped) {
      await runner.sync(); // the weights of the last good step (steps submitted after it were not applied)
      const seqs = Array.from({ length: accum }, (_, a) => Array.from(t.plan.sequencesOf(t.position + a))).flat();
      const what = Number.isFinite(loss) ? `the gradient norm is ${gradNorm}` : `loss is ${loss}`;
      throw new TrainingDivergedError(
        `${what} at step ${t.step} (round ${t.round}, micro-batches ${t.position}..${t.position + accum - 1} of the round, ` +
          `sequences ${seqs.slice(0, 8).join(', ')}${seqs.length > 8 ? ', ...' : ''}); the weights were not updated and the last checkpoint is kept`,
      );
    }
    state.elapsed = (performance.now() - t0) / 1000;
    const tokens = t.step * accum * B * T;
    const tokensPerSecond = ((t.step - startStep) * accum * B * T) / Math.max((performance.now() - tStart) / 1000, 1e-9);
    await metrics.write({ step: t.step, round: t.round, loss, lr: t.lr, tokens, elapsed_s: Math.round(state.elapsed * 1000) / 1000, grad_norm: gradNorm });
    emit({
      kind: 'step',
      round: t.round,
      step: t.step,
      totalSteps,
      loss,
      lr: t.lr,
      tokensPerSecond,
      etaSeconds: ((totalSteps - t.step) * accum * B * T) / Math.max(tokensPerSecond, 1e-9),
    });
  };

  try {
    emit({ kind: 'start', totalSteps, startStep: state.step, batches: N, refinedBatches: refinedMicro, resumedFrom, stepPath: runner.kind });
    let lastEval: EvalResult | undefined;

    for (let round = state.round; round <= rounds; round++) {
      const plan: RoundPlan =
        round === 1 ? firstRoundPlan(partition, s1 * accum, seed) : refinedRoundPlan(round, state.selection!, B);
      const roundSteps = round === 1 ? s1 : refinedSteps;
      let position = round === state.round ? state.position : 0;
      while (position < roundSteps * accum) {
        const lr = lrAt(state.step, schedule);
        const micro = Array.from({ length: accum }, (_, a) => microBatchArrays(o.train, plan.sequencesOf(position + a)));
        const taken: TakenStep = { outcome: runner.submit(micro, lr), step: state.step + 1, round, position, lr, plan };
        state.step += 1;
        position += accum;
        // the previous step settles while this one runs; a step whose outcome the schedule needs settles now
        if (pending) await settle(pending);
        pending = taken;
        const evalDue = Boolean(o.evalEvery && state.step % o.evalEvery === 0);
        const checkpointDue = Boolean(o.checkpointEvery && state.step % o.checkpointEvery === 0 && position < roundSteps * accum);
        if (!runner.pipelined || evalDue || checkpointDue || position >= roundSteps * accum) {
          await settle(pending);
          pending = undefined;
          await runner.sync();
        }
        if (evalDue) lastEval = await runEval(round);
        if (checkpointDue) await checkpoint(round, position, round === 1 ? undefined : state.selection);
      }
      if (!(o.evalEvery && state.step % o.evalEvery === 0)) lastEval = await runEval(round);
      if (round < rounds) {
        const scores = await scoreUnits(o.model, o.train, partition, granularity, chunk, (done, total) => emit({ kind: 'score', round, done, total }));
        const picked = sampleByLoss(scores, drawn, temperature, seed, round + 1);
        state.selection = selectedSequences(partition, picked, granularity);
        const file = join(o.outDir, 'rounds', `round-${round + 1}.json`);
        await writeFile(
          file,
          `${JSON.stringify({
            round: round + 1,
            scored_after_round: round,
            step: state.step,
            granularity,
            temperature,
            sample_rate: rate,
            units_total: units,
            units_selected: picked.length,
            loss_all: lossStats(scores),
            loss_selected: lossStats(picked.map((i) => scores[i])),
            selected_units: picked,
            selected_losses: picked.map((i) => scores[i]),
          })}\n`,
        );
        emit({ kind: 'round', round: round + 1, file });
        await checkpoint(round + 1, 0, state.selection);
      } else {
        await checkpoint(round, position, round === 1 ? undefined : state.selection);
      }
    }

    if ((o.finalScores ?? true) && rounds > 1) {
      const scores = await scoreUnits(o.model, o.train, partition, granularity, chunk, (done, total) => emit({ kind: 'score', round: rounds, done, total }));
      const perRound = [];
      for (let round = 2; round <= rounds; round++) {
        const drawnFile = JSON.parse(await readFile(join(o.outDir, 'rounds', `round-${round}.json`), 'utf8')) as {
          selected_units: number[];
          selected_losses: number[];
        };
        perRound.push({
          round,
          selected_loss_when_drawn: lossStats(drawnFile.selected_losses),
          selected_loss_at_end: lossStats(drawnFile.selected_units.map((i) => scores[i])),
        });
      }
      await writeFile(
        join(o.outDir, 'rounds', 'final-scores.json'),
        `${JSON.stringify({ step: state.step, granularity, loss_all: lossStats(scores), rounds: perRound })}\n`,
      );
    }
    return { steps: state.step, tokens: state.step * accum * B * T, finalEval: lastEval ?? (await runEval(rounds)), runDir: o.outDir };
  } finally {
    runner.dispose();
    opt.dispose();
  }
}
