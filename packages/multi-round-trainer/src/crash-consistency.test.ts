// What a run killed at an unlucky moment leaves behind (test/trainer-crash.test.ts kills the CLI at
// 20 moments; these pin the two defects it led to): a resume from the run's last checkpoint (killed
// during the final scores or the final model's write) logs no second evaluation of the last step,
// and a kill while an old checkpoint is being pruned never leaves a half-deleted `step-*` folder.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { resolveConfig } from '@tinylm/arch-config';
import { initBackend } from '@tinylm/kernels';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listCheckpoints, loadLatestCheckpoint } from './checkpoint';
import { type TrainOptions, train } from './trainer';
import { byteRunOptions, writeByteCorpus } from './__fixtures__/byte-run';

// `rm` as the trainer sees it; `killDuringPrune` makes the next recursive removal of a checkpoint
// folder (or of its pruning name) delete one file and then stop, as a SIGKILL there would
const killed = new Error('killed during the prune');
let killDuringPrune = false;
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fsp>();
  return {
    ...real,
    rm: async (path: string, options?: Parameters<typeof real.rm>[1]) => {
      if (killDuringPrune && options?.recursive && /^step-\d{8,}(\.old-.*)?$/.test(basename(String(path)))) {
        killDuringPrune = false;
        await real.rm(join(String(path), 'model.safetensors'));
        throw killed;
      }
      return real.rm(path, options);
    },
  };
});

const config = resolveConfig({
  vocabSize: 256,
  hiddenSize: 16,
  numLayers: 1,
  numHeads: 2,
  numKvHeads: 1,
  intermediateSize: 32,
  maxPositionEmbeddings: 32,
});
let dir: string;
let dataFile: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'tinylm-crash-unit-'));
  dataFile = await writeByteCorpus(dir, 3000);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function options(out: string, extra: Partial<TrainOptions> = {}): Promise<TrainOptions> {
  return byteRunOptions(config, dataFile, 16, {
    outDir: join(dir, out),
    batchSize: 4,
    lr: 1e-2,
    steps: 4,
    seed: 2,
    ...extra,
  });
}

describe('crash consistency of the trainer', () => {
  it('a resume from the last checkpoint does not log the last evaluation a second time', async () => {
    const first = await options('complete', { checkpointEvery: 2 });
    const done = await train(first);
    const metrics = await readFile(join(first.outDir, 'metrics.jsonl'), 'utf8');
    expect(metrics.match(/val_loss/g)).toHaveLength(2); // the end of each round
    first.model.dispose();
    const again = await options('complete', { checkpointEvery: 2, resume: true });
    let resumedFrom: string | undefined;
    const resumed = await train({ ...again, onEvent: (e) => void (e.kind === 'start' && (resumedFrom = e.resumedFrom)) });
    again.model.dispose();
    expect(resumedFrom).toMatch(/step-00000006$/); // the checkpoint after the last step
    expect(await readFile(join(first.outDir, 'metrics.jsonl'), 'utf8')).toBe(metrics);
    expect(resumed.finalEval).toEqual(done.finalEval);
  });

  it('a kill while an old checkpoint is pruned leaves only readable checkpoint folders', async () => {
    const o = await options('prune', { checkpointEvery: 1, keep: 1, rounds: 1 });
    killDuringPrune = true;
    await expect(train(o)).rejects.toBe(killed);
    o.model.dispose();
    const left = await listCheckpoints(o.outDir);
    expect(left.length).toBeGreaterThan(0);
    for (const c of left) {
      const scratch = await mkdtemp(join(tmpdir(), 'tinylm-crash-one-'));
      await fsp.symlink(c.dir, join(scratch, basename(c.dir)));
      const warnings: string[] = [];
      const loaded = await loadLatestCheckpoint(scratch, (w) => warnings.push(w));
      expect({ dir: c.dir, warnings }).toEqual({ dir: c.dir, warnings: [] });
      loaded!.model.dispose();
      for (const t of [...Object.values(loaded!.m), ...Object.values(loaded!.v)]) t.dispose();
      await rm(scratch, { recursive: true, force: true });
    }
    // and the run resumes: the leftover of the interrupted prune is removed at the start
    const again = await options('prune', { checkpointEvery: 1, keep: 1, rounds: 1, resume: true });
    await train(again);
    again.model.dispose();
    expect((await fsp.readdir(o.outDir)).filter((n) => n.startsWith('step-'))).toEqual(['step-00000004']);
  });
});
