// The training loop and multiple-round training (PanGu-π Pro, docs/method.md section 4).
// Round 1 trains on all batches; after each round the frozen model scores every batch (or
// sequence) and the next round trains on N0 = rate × N of them drawn by p ∝ exp(loss / τ).
// Per optimizer step: `gradAccum` micro-batches of `batchSize` sequences, gradients averaged,
// global-norm clip, AdamW at the scheduled rate (warmup then cosine, one schedule over every
// round). Checkpoints are atomic and hold all a resume needs: weights, Adam moments, step,
// round, data position and the round's selection (randomness is counter-based, see random.ts),
// so a resumed run repeats the losses of an uninterrupted one bit for bit on the cpu backend.
// `train` runs its phases in order: resolve the settings and plan every round's steps
// (run-settings.ts, round-budget.ts), start or resume the run (run-start.ts), then per round the
// step loop (train-round.ts) and the draw of the next round's data (round-draw.ts).
import { AdamW } from '@tinylm/kernels';
import type { LlamaModel, WebGpuStepChoice } from '@tinylm/model';
import type { Tokenizer } from '@tinylm/tokenizer-prune';
import { firstRoundPlan, type RoundPlan, refinedRoundPlan } from './batches';
import { saveCheckpoint } from './checkpoint';
import type { PackedData } from './data/dataset';
import { bytesPerTokenOf, type EvalResult, evaluate } from './evaluate';
import type { MetricsLog } from './metrics';
import type { Granularity } from './refine';
import { drawNextRound, writeFinalScores } from './round-draw';
import { resolveRunSettings, type RunSettings } from './run-settings';
import { startRun } from './run-start';
import { parseOptions } from '@tinylm/errors';
import { trainOptions } from './options';
import { createStepRunner } from './step-runner';
import { type CheckpointAt, type StepLoop, trainRound } from './train-round';

export interface TrainOptions {
  model: LlamaModel;
  train: PackedData;
  /**
   * Held-out data, evaluated at the end of each round and every `evalEvery` steps. Optional:
   * without it nothing is evaluated (no val_* lines in metrics.jsonl, no `eval` events) and
   * `TrainResult.finalEval` is null.
   */
  val?: PackedData;
  /** Run folder: metrics.jsonl, checkpoints step-XXXXXXXX/, rounds/round-N.json. */
  outDir: string;
  batchSize: number;
  /** Micro-batches per optimizer step; default 1. */
  gradAccum?: number;
  /**
   * Optimizer steps of round 1; default one epoch (N batches / gradAccum). Each refined round
   * (2, 3, ...) then takes `refinedSteps` steps, so a run takes steps + (rounds - 1) × refinedSteps
   * in all: `{ steps: 12, rounds: 2 }` takes 12 + 6 = 18. The `start` event lists every round's steps.
   */
  steps?: number;
  /**
   * Optimizer steps of each refined round (2, 3, ...); default the refined data's share of round 1,
   * round(sampleRate × steps), at least 1 (with the default `steps`, one pass over the drawn data).
   * A round draws at most round(sampleRate × N) units and repeats them, in draw order, when its
   * steps outnumber them.
   */
  refinedSteps?: number;
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
  /** Evaluate every N steps (0: only at the end of each round); nothing is evaluated without `val`. */
  evalEvery?: number;
  /** Held-out sequences per evaluation; default all, at most 64. */
  evalSequences?: number;
  /** Checkpoint every N steps (0: only at round ends and the end). */
  checkpointEvery?: number;
  /** Checkpoints kept; default 3. */
  keep?: number;
  /** Rounds; default 2 (the paper's choice). */
  rounds?: number;
  /** N0 / N: the share of the data each refined round draws (and, by default, its steps' share of round 1's); default 0.5. */
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
  | {
      kind: 'start';
      /** The planned optimizer steps of round 1, 2, ... (their sum is `totalSteps`). */
      roundSteps: number[];
      totalSteps: number;
      startStep: number;
      /** N: whole batches of the training data (round 1's units). */
      batches: number;
      /** Distinct micro-batches each refined round draws. */
      refinedBatches: number;
      resumedFrom?: string;
      stepPath: string;
    }
  | { kind: 'step'; round: number; step: number; totalSteps: number; loss: number; lr: number; tokensPerSecond: number; etaSeconds: number }
  | { kind: 'eval'; round: number; step: number; result: EvalResult }
  /**
   * Scoring the training data after `round`: `for: 'next-round'` to draw round `round + 1`'s data,
   * `for: 'final-scores'` after the last round (rounds/final-scores.json).
   */
  | { kind: 'score'; round: number; for: 'next-round' | 'final-scores'; done: number; total: number }
  | { kind: 'round'; round: number; file: string }
  | { kind: 'checkpoint'; step: number; dir: string }
  | { kind: 'warn'; message: string };

export interface TrainResult {
  steps: number;
  tokens: number;
  /** The held-out evaluation after the last step; null when trained without `val`. */
  finalEval: EvalResult | null;
  runDir: string;
}

/**
 * Trains `model` for `rounds` rounds (see the file header and docs/multi-round-trainer.md): round 1
 * takes `steps` optimizer steps, each refined round `refinedSteps`, as planned before the first
 * step and announced in the `start` event. Resumes from the newest checkpoint with `resume`.
 * Errors: `TrainingDataError` (data or settings that cannot train), `TrainerCheckpointError` (resume),
 * `TrainingDivergedError` (a non-finite loss or gradient norm, naming the step).
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  options = parseOptions(trainOptions, options, 'train');
  const emit = options.onEvent ?? (() => {});
  const warn = (message: string) => emit({ kind: 'warn', message });
  const run = resolveRunSettings(options);
  const { model, outDir } = options;
  const optimizer = new AdamW({
    lr: run.schedule.lr,
    beta1: options.beta1,
    beta2: options.beta2,
    eps: options.eps,
    weightDecay: options.weightDecay,
  });
  const start = await startRun(outDir, Boolean(options.resume), model, optimizer, run, warn);
  const runner = await createStepRunner(model, optimizer, {
    batch: run.batchSize,
    seq: run.seqLen,
    microBatches: run.gradAccum,
    clip: run.clip,
    webgpuStep: options.webgpuStep,
    warn,
  });
  const now = performance.now();
  const loop: StepLoop = {
    data: options.train,
    run,
    runner,
    metrics: start.metrics,
    emit,
    evalEvery: options.val ? (options.evalEvery ?? 0) : 0,
    checkpointEvery: options.checkpointEvery ?? 0,
    runStartedAt: now - start.elapsed * 1000,
    processStartedAt: now,
    processStartStep: start.step,
    evaluateHeldOut: heldOutEvaluator(options, run, start.metrics, emit),
    checkpoint: checkpointWriter(outDir, model, optimizer, run, emit),
  };
  try {
    const { budget } = run;
    emit({
      kind: 'start',
      roundSteps: budget.roundSteps,
      totalSteps: budget.totalSteps,
      startStep: start.step,
      batches: run.partition.count,
      refinedBatches: budget.refined.microBatches,
      resumedFrom: start.resumedFrom,
      stepPath: runner.kind,
    });
    let { step, elapsed, selection } = start;
    let lastEval: EvalResult | undefined;
    for (let round = start.round; round <= run.rounds; round++) {
      const at = round === start.round ? start.position : 0;
      const done = await trainRound(loop, roundPlan(run, round, selection), round === 1 ? undefined : selection, {
        step,
        position: at,
        elapsed,
      });
      ({ step, elapsed } = done);
      lastEval = done.lastEval ?? lastEval;
      if (round < run.rounds) {
        const next = await drawNextRound(model, options.train, run, outDir, round, step, (scored, total) =>
          emit({ kind: 'score', round, for: 'next-round', done: scored, total }),
        );
        selection = next.selection;
        emit({ kind: 'round', round: next.round, file: next.file });
        await loop.checkpoint({ step, round: next.round, position: 0, selection, elapsed });
      } else {
        await loop.checkpoint({ step, round, position: done.position, selection: round === 1 ? undefined : selection, elapsed });
      }
    }
    if ((options.finalScores ?? true) && run.rounds > 1) {
      await writeFinalScores(model, options.train, run, outDir, step, (scored, total) =>
        emit({ kind: 'score', round: run.rounds, for: 'final-scores', done: scored, total }),
      );
    }
    // resumed from the checkpoint after the last step: that evaluation is in metrics.jsonl already, so it is not logged again
    const finalEval = lastEval ?? (await loop.evaluateHeldOut(run.rounds, step, false)) ?? null;
    return { steps: step, tokens: step * run.gradAccum * run.batchSize * run.seqLen, finalEval, runDir: outDir };
  } finally {
    runner.dispose();
    optimizer.dispose();
  }
}

/** Round 1 visits the batches epoch after epoch; a refined round its drawn sequences. */
function roundPlan(run: RunSettings, round: number, selection: Uint32Array | undefined): RoundPlan {
  const microBatches = run.budget.roundSteps[round - 1] * run.gradAccum;
  return round === 1
    ? firstRoundPlan(run.partition, microBatches, run.seed)
    : refinedRoundPlan(round, selection!, run.batchSize, microBatches);
}

/** Evaluates the held-out data and logs it (unless `log` is false); resolves undefined when the run has no `val`. */
function heldOutEvaluator(options: TrainOptions, run: RunSettings, metrics: MetricsLog, emit: (event: TrainEvent) => void) {
  const val = options.val;
  if (!val) return async () => undefined;
  const bytesPerToken = bytesPerTokenOf(val, run.evalSequences, options.tokenizer);
  return async (round: number, step: number, log = true): Promise<EvalResult> => {
    const result = await evaluate(options.model, val, { maxSequences: run.evalSequences, chunk: run.scoreChunk, bytesPerToken });
    if (log) await metrics.write({ step, round, val_loss: result.loss, val_bpb: result.bitsPerByte, val_ppl: result.perplexity });
    emit({ kind: 'eval', round, step, result });
    return result;
  };
}

/** Saves a checkpoint of the run at a position (keeping the newest `keep`) and announces it. */
function checkpointWriter(outDir: string, model: LlamaModel, optimizer: AdamW, run: RunSettings, emit: (event: TrainEvent) => void) {
  return async (at: CheckpointAt): Promise<void> => {
    const state = {
      step: at.step,
      round: at.round,
      data_position: { micro_batch: at.position, selection: at.selection ? Array.from(at.selection) : undefined },
      rng_state: { seed: run.seed, scheme: 'counter' as const },
      settings: run.record,
      elapsed: at.elapsed,
    };
    const dir = await saveCheckpoint(outDir, model, optimizer, state, run.keep);
    emit({ kind: 'checkpoint', step: at.step, dir });
  };
}
