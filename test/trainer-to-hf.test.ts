// The trainer's checkpoints are what convert2hf reads: train a few steps, convert the run
// folder, and the Hugging Face folder gives the trained model's logits exactly (float32).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, tinylmLogits } from './parity';
import { ROOT, tinylm } from './support';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-train-hf-'));
  await writeFile(join(dir, 'docs.bin'), Buffer.from(Uint16Array.from(await readFile(join(ROOT, 'README.md'))).buffer));
  await writeFile(
    join(dir, 'cfg.json'),
    JSON.stringify({ vocabSize: 256, hiddenSize: 32, numLayers: 2, numHeads: 4, intermediateSize: 64, maxPositionEmbeddings: 64 }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trainer checkpoint -> convert2hf', () => {
  it('converts the newest checkpoint of a run to a folder with the trained weights', () => {
    const run = join(dir, 'run');
    const t = tinylm([
      'train',
      '--config',
      join(dir, 'cfg.json'),
      '--data',
      join(dir, 'docs.bin'),
      '--out',
      run,
      '--steps',
      '4',
      '--rounds',
      '1',
      '--batch',
      '2',
      '--seq',
      '32',
      '--lr',
      '1e-2',
      '--backend',
      'cpu',
    ]);
    expect(t.status, t.stderr).toBe(0);
    const c = tinylm(['convert2hf', '--src', run, '--out', join(dir, 'hf'), '--no-tokenizer']);
    expect(c.status, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/dropped trainer state \(step 4, round 1/);
    const ids = [72, 101, 108, 108, 111];
    expect(maxAbsDiff(tinylmLogits(join(dir, 'hf'), ids), tinylmLogits(join(run, 'final'), ids))).toBe(0);
  });
});
