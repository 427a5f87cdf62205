// The training loop on the cpu backend with a byte-level tiny model on real text (a fixed
// fixture of public-domain prose, as uint16 token files): the loss falls, metrics and round files
// are written, a resumed run repeats an uninterrupted one bit for bit, divergence stops the run
// with the last checkpoint kept, and bad resumes / data are refused with named causes.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '@tinylm/arch-config';
import { initBackend } from '@tinylm/kernels';
import { LlamaModel } from '@tinylm/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpoints } from './checkpoint';
import { loadPacked, splitHeldOut } from './data/dataset';
import { TrainerCheckpointError, TrainingDataError, TrainingDivergedError } from './errors';
import { readMetrics } from './metrics';
import { type TrainEvent, type TrainOptions, train } from './trainer';
import { byteRunOptions, writeByteCorpus } from './__fixtures__/byte-run';

const config = resolveConfig({
  vocabSize: 256,
  hiddenSize: 32,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: 64,
  maxPositionEmbeddings: 64,
});
let dir: string;
let dataFile: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'tinylm-trainer-'));
  dataFile = await writeByteCorpus(dir, 6000);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function options(out: string, extra: Partial<TrainOptions> = {}): Promise<TrainOptions> {
  return byteRunOptions(config, dataFile, 32, {
    outDir: join(dir, out),
    batchSize: 4,
    lr: 1e-2,
    steps: 12,
    rounds: 2,
    sampleRate: 0.5,
    seed: 3,
    ...extra,
  });
}

describe('train', () => {
  it('two rounds: the loss falls; metrics, round files and checkpoints are written', async () => {
    const events: TrainEvent[] = [];
    const o = await options('basic', { checkpointEvery: 5, keep: 2, onEvent: (e) => events.push(e) });
    const r = await train(o);
    // the documented budget: round 1 takes `steps` (12), round 2 round(sampleRate × 12) = 6
    expect(r.steps).toBe(18);
    const start = events.find((e) => e.kind === 'start');
    expect(start).toMatchObject({ kind: 'start', roundSteps: [12, 6], totalSteps: 18 });
    const scoring = events.filter((e) => e.kind === 'score');
    expect(new Set(scoring.map((e) => e.kind === 'score' && `${e.round} ${e.for}`))).toEqual(new Set(['1 next-round', '2 final-scores']));
    const lines = await readMetrics(join(o.outDir, 'metrics.jsonl'));
    const steps = lines.filter((l) => 'loss' in l);
    expect(steps.length).toBe(r.steps);
    for (const k of ['step', 'round', 'loss', 'lr', 'tokens', 'elapsed_s']) expect(steps[0]).toHaveProperty(k);
    expect(steps.at(-1)!.loss as number).toBeLessThan((steps[0].loss as number) - 1);
    const evals = lines.filter((l) => 'val_loss' in l);
    expect(evals.length).toBe(2); // end of each round
    expect(evals[1].val_loss as number).toBeLessThan(evals[0].val_loss as number);
    // round 2: of the N batches, the 6 its steps use are drawn by loss; its steps follow round 1's
    const round2 = JSON.parse(await readFile(join(o.outDir, 'rounds', 'round-2.json'), 'utf8'));
    const n = Math.floor(o.train.sequences / 4);
    expect(n).toBeGreaterThan(12);
    expect(round2.units_total).toBe(n);
    expect(round2.units_selected).toBe(6);
    expect(round2.steps).toBe(6);
    expect(new Set(round2.selected_units).size).toBe(round2.units_selected);
    // a draw of 6 by p ∝ exp(loss) need not beat the mean; the recorded statistics describe the drawn losses
    expect(round2.loss_selected.mean).toBeCloseTo(round2.selected_losses.reduce((a: number, b: number) => a + b, 0) / 6, 6);
    expect(Math.max(...round2.selected_losses)).toBeLessThanOrEqual(round2.loss_all.max);
    expect(steps.filter((l) => l.round === 1).length).toBe(12);
    expect(steps.filter((l) => l.round === 2).length).toBe(6);
    const final = JSON.parse(await readFile(join(o.outDir, 'rounds', 'final-scores.json'), 'utf8'));
    expect(final.rounds[0].selected_loss_at_end.mean).toBeLessThan(final.rounds[0].selected_loss_when_drawn.mean);
    const ckpts = await listCheckpoints(o.outDir);
    expect(ckpts.length).toBe(2);
    expect(ckpts[0].step).toBe(r.steps);
    expect((await readdir(ckpts[0].dir)).sort()).toEqual([
      'config.json',
      'model.safetensors',
      'optimizer.safetensors',
      'trainer_state.json',
    ]);
    o.model.dispose();
  });

  it('an interrupted run resumed from its checkpoint repeats the uninterrupted losses bit for bit (cpu)', async () => {
    const full = await options('full', { checkpointEvery: 4, gradAccum: 2, steps: 8 });
    await train(full);
    const want = (await readMetrics(join(full.outDir, 'metrics.jsonl'))).filter((l) => 'loss' in l);

    const first = await options('resumed', { checkpointEvery: 4, gradAccum: 2, steps: 8 });
    const crash = new Error('simulated crash');
    await expect(
      train({
        ...first,
        onEvent: (e) => {
          if (e.kind === 'step' && e.step === 10) throw crash; // past the step-8 checkpoint, in round 2
        },
      }),
    ).rejects.toBe(crash);
    first.model.dispose();
    const again = await options('resumed', { checkpointEvery: 4, gradAccum: 2, steps: 8, resume: true });
    let resumedFrom: string | undefined;
    await train({ ...again, onEvent: (e) => void (e.kind === 'start' && (resumedFrom = e.resumedFrom)) });
    expect(resumedFrom).toMatch(/step-00000008$/);
    const got = (await readMetrics(join(again.outDir, 'metrics.jsonl'))).filter((l) => 'loss' in l);
    expect(got.map((l) => l.step)).toEqual(want.map((l) => l.step));
    expect(got.map((l) => l.loss)).toEqual(want.map((l) => l.loss));
    full.model.dispose();
    again.model.dispose();
  });

  it('a NaN loss stops the run naming the step; the last good checkpoint stays', async () => {
    const o = await options('diverge', { lr: 1e30, clip: 0, checkpointEvery: 1, rounds: 1, steps: 20 });
    const err = await train(o).catch((e) => e);
    expect(TrainingDivergedError.isInstance(err), String(err)).toBe(true);
    expect(err.message).toMatch(/loss is (NaN|Infinity) at step (\d+) \(round 1, micro-batches \d+\.\.\d+ of the round, sequences /);
    const step = Number(/at step (\d+)/.exec(err.message)![1]);
    const ckpts = await listCheckpoints(o.outDir);
    expect(ckpts[0].step).toBe(step - 1);
    o.model.dispose();
  });

  it('refuses to resume with other settings, naming the field', async () => {
    const o = await options('mismatch', { rounds: 1, steps: 3 });
    await train(o);
    const other = await options('mismatch', { rounds: 1, steps: 3, batchSize: 2, resume: true });
    const err = await train(other).catch((e) => e);
    expect(TrainerCheckpointError.isInstance(err)).toBe(true);
    expect(err.message).toMatch(/settings differ \(batchSize: checkpoint has 4, this run has 2\)/);
    const fresh = await options('mismatch', { rounds: 1, steps: 3 });
    await expect(train(fresh)).rejects.toThrow(/already holds checkpoints .* pass resume/);
    [o, other, fresh].forEach((x) => x.model.dispose());
  });

  it('falls back to the previous checkpoint when the newest is corrupt, and says so', async () => {
    const o = await options('corrupt', { rounds: 1, steps: 6, checkpointEvery: 2, keep: 3 });
    await train(o);
    const [newest, previous] = await listCheckpoints(o.outDir);
    await writeFile(join(newest.dir, 'model.safetensors'), 'garbage');
    const warnings: string[] = [];
    let resumedFrom: string | undefined;
    const again = await options('corrupt', { rounds: 1, steps: 6, checkpointEvery: 2, keep: 3, resume: true });
    await train({
      ...again,
      onEvent: (e) => {
        if (e.kind === 'warn') warnings.push(e.message);
        if (e.kind === 'start') resumedFrom = e.resumedFrom;
      },
    });
    expect(warnings[0]).toMatch(
      new RegExp(`checkpoint .*${newest.dir.split('/').pop()} is unreadable .*falling back to .*${previous.dir.split('/').pop()}`),
    );
    expect(resumedFrom).toBe(previous.dir);
    o.model.dispose();
    again.model.dispose();
  });

  it('refinedSteps sizes each refined round; a round longer than its drawn data repeats it in draw order', async () => {
    const all = await loadPacked([dataFile], { seqLen: 32, vocabSize: 256 });
    const { val } = splitHeldOut(all, 0.1);
    // 16 sequences = 4 batches; round 2 draws round(0.5 × 4) = 2 and trains 5 steps over them
    const small = { ...all, sequences: 16 };
    const model = LlamaModel.create(config, { seed: 1 });
    let roundSteps: number[] = [];
    const r = await train({
      model,
      train: small,
      val,
      outDir: join(dir, 'refined-steps'),
      batchSize: 4,
      lr: 1e-2,
      steps: 4,
      refinedSteps: 5,
      rounds: 3,
      finalScores: false,
      onEvent: (e) => void (e.kind === 'start' && (roundSteps = e.roundSteps)),
    });
    expect(roundSteps).toEqual([4, 5, 5]);
    expect(r.steps).toBe(14);
    const lines = (await readMetrics(join(dir, 'refined-steps', 'metrics.jsonl'))).filter((l) => 'loss' in l);
    expect(lines.map((l) => l.round)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
    const round3 = JSON.parse(await readFile(join(dir, 'refined-steps', 'rounds', 'round-3.json'), 'utf8'));
    expect(round3.units_selected).toBe(2);
    model.dispose();
  });

  it('trains without val: nothing is evaluated and finalEval is null', async () => {
    const { train: t } = await options('unused');
    const model = LlamaModel.create(config, { seed: 1 });
    const kinds = new Set<string>();
    const r = await train({
      model,
      train: t,
      outDir: join(dir, 'no-val'),
      batchSize: 4,
      steps: 3,
      rounds: 2,
      evalEvery: 1,
      onEvent: (e) => void kinds.add(e.kind),
    });
    expect(r.steps).toBe(5); // 3 + round(0.5 × 3)
    expect(r.finalEval).toBeNull();
    expect(kinds.has('eval')).toBe(false);
    const lines = await readMetrics(join(dir, 'no-val', 'metrics.jsonl'));
    expect(lines.filter((l) => 'val_loss' in l)).toEqual([]);
    expect(lines.filter((l) => 'loss' in l).length).toBe(5);
    model.dispose();
  });

  it('refuses data too short for one batch, and ids outside the vocabulary', async () => {
    const all = await loadPacked([dataFile], { seqLen: 32, vocabSize: 256 });
    const tiny = { ...all, sequences: 2 };
    const model = LlamaModel.create(config, { seed: 1 });
    await expect(train({ model, train: tiny, val: tiny, outDir: join(dir, 'short'), batchSize: 4 })).rejects.toThrow(
      /2 training sequence\(s\) of 32 tokens are fewer than one batch of 4/,
    );
    await expect(loadPacked([dataFile], { seqLen: 32, vocabSize: 100 })).rejects.toThrow(
      /token id \d+ is outside the model's vocabulary \(100\)/,
    );
    await expect(loadPacked([dataFile], { seqLen: 100000, vocabSize: 256 })).rejects.toThrow(TrainingDataError);
    model.dispose();
  });
});
