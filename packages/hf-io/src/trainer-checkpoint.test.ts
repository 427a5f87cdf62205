// The trainer-checkpoint contract: folder names (8 digits, more past 99,999,999), the one
// trainer_state.json validator, and reading a run's checkpoints.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HfFolderError } from './errors';
import {
  CHECKPOINT_LEFTOVER_PATTERN,
  checkpointDirName,
  checkpointStepOf,
  TRAINER_STATE_FORMAT,
  validateTrainerState,
} from './trainer-checkpoint';
import { listCheckpointDirs, readTrainerState } from './trainer-checkpoint-files';

const good = {
  format: TRAINER_STATE_FORMAT,
  version: 1,
  step: 12,
  round: 1,
  data_position: { micro_batch: 3 },
  rng_state: { seed: 1, scheme: 'counter' },
};

describe('checkpoint folder names', () => {
  it('pads to 8 digits and keeps every digit past 99,999,999, both ways', () => {
    expect(checkpointDirName(1200)).toBe('step-00001200');
    expect(checkpointDirName(123_456_789)).toBe('step-123456789');
    expect(checkpointStepOf(checkpointDirName(123_456_789))).toBe(123_456_789);
    expect(checkpointStepOf('step-00001200')).toBe(1200);
    expect(checkpointStepOf('step-1200')).toBeUndefined();
    expect(checkpointStepOf('step-00001200.tmp-1a2b')).toBeUndefined();
    expect(CHECKPOINT_LEFTOVER_PATTERN.test('step-123456789.tmp-1a2b')).toBe(true);
    expect(() => checkpointDirName(-1)).toThrow(/integer >= 0, got -1/);
    expect(() => checkpointDirName(1.5)).toThrow(HfFolderError);
  });
});

describe('validateTrainerState', () => {
  it('accepts version 1 and names the field, its value and what is allowed', () => {
    expect(validateTrainerState(good)).toEqual(good);
    expect(validateTrainerState({ ...good, settings: { lr: 1 }, optimizerStep: 12, elapsed: 3.5, extra: true }, 'x.json', 12).step).toBe(
      12,
    );
    expect(() => validateTrainerState({ ...good, format: 'hf' })).toThrow(/format is "hf"; expected "tinylm-checkpoint"/);
    expect(() => validateTrainerState({ ...good, version: 2 })).toThrow(/newer tinylm/);
    expect(() => validateTrainerState({ ...good, round: 1.5 })).toThrow(/round is 1.5; expected an integer >= 0/);
    expect(() => validateTrainerState({ ...good, optimizerStep: -1 })).toThrow(/optimizerStep is -1/);
    expect(() => validateTrainerState({ ...good, settings: [] })).toThrow(/settings is \[\]; expected a JSON object/);
    expect(() => validateTrainerState({ ...good, elapsed: 'soon' })).toThrow(/elapsed is "soon"/);
    const { rng_state: _, ...noRng } = good;
    expect(() => validateTrainerState(noRng, 'run/step-00000012/trainer_state.json')).toThrow(
      /^run\/step-00000012\/trainer_state.json: rng_state is missing$/,
    );
    expect(() => validateTrainerState(good, 'f', 13)).toThrow(/step is 12 but the folder is named for step 13/);
    try {
      validateTrainerState([], 'f.json');
      expect.unreachable();
    } catch (error) {
      expect(HfFolderError.isInstance(error)).toBe(true);
      expect((error as HfFolderError).file).toBe('f.json');
    }
  });

  it('refuses a state nested past the depth every later walk can take, naming where', () => {
    const settings = JSON.parse(`{"lr": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    expect(() => validateTrainerState({ ...good, settings }, 'deep.json')).toThrow(
      /^deep.json: settings.lr\[0\]\[0\].* nests deeper than 64 levels/,
    );
  });
});

describe('listCheckpointDirs / readTrainerState', () => {
  let run: string;
  beforeEach(async () => {
    run = await mkdtemp(join(tmpdir(), 'hf-io-ckpt-'));
  });
  afterEach(async () => rm(run, { recursive: true, force: true }));

  it('lists step folders newest first (a 9-digit step included) and checks the state against the folder name', async () => {
    for (const step of [99_999_999, 100_000_000, 5]) {
      await mkdir(join(run, checkpointDirName(step)));
      await writeFile(join(run, checkpointDirName(step), 'trainer_state.json'), JSON.stringify({ ...good, step }));
    }
    await mkdir(join(run, `${checkpointDirName(7)}.tmp-abc`));
    const dirs = await listCheckpointDirs(run);
    expect(dirs.map((d) => d.step)).toEqual([100_000_000, 99_999_999, 5]);
    expect((await readTrainerState(dirs[0].dir)).step).toBe(100_000_000);
    await writeFile(join(run, checkpointDirName(5), 'trainer_state.json'), JSON.stringify({ ...good, step: 6 }));
    await expect(readTrainerState(join(run, checkpointDirName(5)))).rejects.toThrow(/step is 6 but the folder is named for step 5/);
    await writeFile(join(run, checkpointDirName(5), 'trainer_state.json'), '{ not json');
    await expect(readTrainerState(join(run, checkpointDirName(5)))).rejects.toThrow(/trainer_state.json: cannot read as JSON/);
    expect(await listCheckpointDirs(join(run, 'missing'))).toEqual([]);
  });
});
