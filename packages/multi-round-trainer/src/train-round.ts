// The step loop of one round of `train`: submits optimizer steps (the previous step settles
// while the next runs when the step runner is pipelined), logs each settled step (metrics.jsonl
// and a `step` event), stops on divergence naming the step, and evaluates / checkpoints when due.
import type { MicroBatch } from '@tinylm/model';
import type { RoundPlan } from './batches';
import { type PackedData, sequenceAt } from './data/dataset';
import { TrainingDivergedError } from './errors';
import type { EvalResult } from './evaluate';
import type { MetricsLog } from './metrics';
import type { RunSettings } from './run-settings';
import { lrAt } from './schedule';
import type { StepOutcome, StepRunner } from './step-runner';
import type { TrainEvent } from './trainer';

/** Where a round starts, and where it (or the run) stands afterwards. */
export interface RoundPosition {
  /** Optimizer steps taken in the run. */
  step: number;
  /** Micro-batches of the round consumed. */
  position: number;
  /** Training seconds so far, across resumes (as of the last settled step). */
  elapsed: number;
}

/** A checkpoint request: where the run stands. */
export interface CheckpointAt {
  step: number;
  round: number;
  position: number;
  selection: Uint32Array | undefined;
  elapsed: number;
}

/** What the step loop uses; built once per run by `train`. */
export interface StepLoop {
  data: PackedData;
  run: RunSettings;
  runner: StepRunner;
  metrics: MetricsLog;
  emit: (event: TrainEvent) => void;
  evalEvery: number;
  checkpointEvery: number;
  /** performance.now() at the run's (virtual) start, so elapsed continues across a resume. */
  runStartedAt: number;
  /** performance.now() and the step when this process started: tokens/s and ETA count this process only. */
  processStartedAt: number;
  processStartStep: number;
  /** Evaluates the held-out data; logs it to metrics.jsonl unless `log` is false. */
  evaluateHeldOut: (round: number, step: number, log?: boolean) => Promise<EvalResult | undefined>;
  checkpoint: (at: CheckpointAt) => Promise<void>;
}

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

export interface RoundRun extends RoundPosition {
  /** The last evaluation of the round (undefined without held-out data, or when none ran). */
  lastEval: EvalResult | undefined;
}

/** Trains round `plan.round` from `start` to its end (`plan.microBatches`); `selection` goes into its checkpoints. */
export async function trainRound(
  loop: StepLoop,
  plan: RoundPlan,
  selection: Uint32Array | undefined,
  start: RoundPosition,
): Promise<RoundRun> {
  const { run, runner } = loop;
  const accum = run.gradAccum;
  const end = plan.microBatches;
  let { step, position, elapsed } = start;
  let lastEval: EvalResult | undefined;
  let pending: TakenStep | undefined;
  while (position < end) {
    const lr = lrAt(step, run.schedule);
    const micro = Array.from({ length: accum }, (_, a) => microBatchArrays(loop.data, plan.sequencesOf(position + a)));
    const taken: TakenStep = { outcome: runner.submit(micro, lr), step: step + 1, round: plan.round, position, lr, plan };
    step += 1;
    position += accum;
    // the previous step settles while this one runs; a step whose outcome the schedule needs settles now
    if (pending) elapsed = await settle(loop, pending);
    pending = taken;
    const evalDue = Boolean(loop.evalEvery && step % loop.evalEvery === 0);
    const checkpointDue = Boolean(loop.checkpointEvery && step % loop.checkpointEvery === 0 && position < end);
    if (!runner.pipelined || evalDue || checkpointDue || position >= end) {
      elapsed = await settle(loop, pending);
      pending = undefined;
      await runner.sync();
    }
    if (evalDue) lastEval = (await loop.evaluateHeldOut(plan.round, step)) ?? lastEval;
    if (checkpointDue) await loop.checkpoint({ step, round: plan.round, position, selection, elapsed });
  }
  // a round resumed already complete (from the run's last checkpoint) logged its evaluation before that checkpoint
  const resumedComplete = start.position >= end;
  if (!resumedComplete && !(loop.evalEvery && step % loop.evalEvery === 0))
    lastEval = (await loop.evaluateHeldOut(plan.round, step)) ?? lastEval;
  return { step, position, elapsed, lastEval };
}

/** Waits for a submitted step's outcome, stops on divergence (naming the step), logs it; returns the elapsed seconds. */
async function settle(loop: StepLoop, taken: TakenStep): Promise<number> {
  const { run } = loop;
  const accum = run.gradAccum;
  const { loss, gradNorm, skipped } = await taken.outcome;
  if (skipped) {
    await loop.runner.sync(); // the weights of the last good step (steps submitted after it were not applied)
    const seqs = Array.from({ length: accum }, (_, a) => Array.from(taken.plan.sequencesOf(taken.position + a))).flat();
    const what = Number.isFinite(loss) ? `the gradient norm is ${gradNorm}` : `loss is ${loss}`;
    throw new TrainingDivergedError(
      `${what} at step ${taken.step} (round ${taken.round}, micro-batches ${taken.position}..${taken.position + accum - 1} of the round, ` +
        `sequences ${seqs.slice(0, 8).join(', ')}${seqs.length > 8 ? ', ...' : ''}); the weights were not updated and the last checkpoint is kept`,
    );
  }
  const now = performance.now();
  const elapsed = (now - loop.runStartedAt) / 1000;
  const tokensPerStep = accum * run.batchSize * run.seqLen;
  const tokensPerSecond = ((taken.step - loop.processStartStep) * tokensPerStep) / Math.max((now - loop.processStartedAt) / 1000, 1e-9);
  const totalSteps = run.budget.totalSteps;
  await loop.metrics.write({
    step: taken.step,
    round: taken.round,
    loss,
    lr: taken.lr,
    tokens: taken.step * tokensPerStep,
    elapsed_s: Math.round(elapsed * 1000) / 1000,
    grad_norm: gradNorm,
  });
  loop.emit({
    kind: 'step',
    round: taken.round,
    step: taken.step,
    totalSteps,
    loss,
    lr: taken.lr,
    tokensPerSecond,
    etaSeconds: ((totalSteps - taken.step) * tokensPerStep) / Math.max(tokensPerSecond, 1e-9),
  });
  return elapsed;
}

function microBatchArrays(data: PackedData, seqs: Uint32Array): MicroBatch {
  const seqLen = data.seqLen;
  const ids = new Int32Array(seqs.length * seqLen);
  const targets = new Int32Array(seqs.length * seqLen);
  seqs.forEach((s, i) => {
    const seq = sequenceAt(data, s);
    ids.set(seq.subarray(0, seqLen), i * seqLen);
    targets.set(seq.subarray(1), i * seqLen);
  });
  return { ids, targets };
}
