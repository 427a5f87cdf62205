// The training loop on webgpu, where it takes the compiled step by default: the same losses as
// the per-op tfjs path, a run resumed from a mid-run checkpoint repeats the uninterrupted one bit
// for bit, and a diverging run stops naming the step with the last good checkpoint kept, although
// step outcomes arrive a step late. On SwiftShader in CI.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '@tinylm/arch-config';
import { initBackend, probeBackend } from '@tinylm/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gate } from '../../../tooling/test-env';
import { listCheckpoints } from './checkpoint';
import { TrainingDivergedError } from './errors';
import { readMetrics } from './metrics';
import { type TrainEvent, type TrainOptions, train } from './trainer';
import { byteRunOptions, writeByteCorpus } from './__fixtures__/byte-run';

const webgpu = await probeBackend('webgpu');
const config = resolveConfig({
  vocabSize: 256,
  hiddenSize: 64,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: 96,
  maxPositionEmbeddings: 32,
});
let dir: string;
let dataFile: string;

async function options(out: string, extra: Partial<TrainOptions> = {}): Promise<TrainOptions> {
  return byteRunOptions(config, dataFile, 16, {
    outDir: join(dir, out),
    batchSize: 2,
    lr: 1e-2,
    steps: 6,
    rounds: 2,
    sampleRate: 0.5,
    seed: 3,
    evalSequences: 4,
    ...extra,
  });
}

const losses = async (o: TrainOptions) => (await readMetrics(join(o.outDir, 'metrics.jsonl'))).filter((l) => 'loss' in l);

describe.runIf(gate('webgpu', webgpu.available, webgpu.reason))('train on webgpu (compiled step)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'webgpu' });
    dir = await mkdtemp(join(tmpdir(), 'tinylm-trainer-webgpu-'));
    dataFile = await writeByteCorpus(dir, 3000);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the compiled step and gives the losses of the tfjs path', { timeout: 600_000 }, async () => {
    const events: TrainEvent[] = [];
    const compiled = await options('compiled', { gradAccum: 2, onEvent: (e) => events.push(e) });
    await train(compiled);
    expect(events.find((e) => e.kind === 'start')).toMatchObject({ stepPath: 'compiled webgpu step' });
    const reference = await options('tfjs', { gradAccum: 2, webgpuStep: 'tfjs' });
    await train(reference);
    const [got, want] = [await losses(compiled), await losses(reference)];
    expect(got.map((l) => l.step)).toEqual(want.map((l) => l.step));
    for (let i = 0; i < got.length; i++)
      expect(Math.abs((got[i].loss as number) / (want[i].loss as number) - 1), `step ${got[i].step}`).toBeLessThan(1e-4);
    // the model holds the trained weights when train returns (export, generate)
    const a = await compiled.model.params.get('model.norm.weight')!.data();
    const b = await reference.model.params.get('model.norm.weight')!.data();
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4);
    compiled.model.dispose();
    reference.model.dispose();
  });

  it('resumes from a mid-run checkpoint and repeats the uninterrupted losses bit for bit', { timeout: 600_000 }, async () => {
    const full = await options('full', { checkpointEvery: 4 });
    await train(full);
    const first = await options('resumed', { checkpointEvery: 4 });
    const crash = new Error('simulated crash');
    await expect(
      train({
        ...first,
        onEvent: (e) => {
          if (e.kind === 'step' && e.step === 6) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    first.model.dispose();
    const again = await options('resumed', { checkpointEvery: 4, resume: true });
    await train(again);
    const [got, want] = [await losses(again), await losses(full)];
    expect(got.map((l) => l.step)).toEqual(want.map((l) => l.step));
    expect(got.map((l) => l.loss)).toEqual(want.map((l) => l.loss));
    full.model.dispose();
    again.model.dispose();
  });

  it('a NaN loss stops the run naming the step; the last good checkpoint stays', { timeout: 600_000 }, async () => {
    const o = await options('diverge', { lr: 1e30, clip: 0, checkpointEvery: 1, rounds: 1, steps: 20 });
    const err = await train(o).catch((e) => e);
    expect(TrainingDivergedError.isInstance(err), String(err)).toBe(true);
    expect(err.message).toMatch(/(loss is (NaN|Infinity)|the gradient norm is \S+) at step (\d+) \(round 1, /);
    const step = Number(/at step (\d+)/.exec(err.message)![1]);
    expect((await listCheckpoints(o.outDir))[0].step).toBe(step - 1);
    o.model.dispose();
  });
});
