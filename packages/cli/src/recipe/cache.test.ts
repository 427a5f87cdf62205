import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedStep, resumableStep } from './cache';

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'tinylm-cache-')), 'step');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

describe('cachedStep', () => {
  it('reuses a finished folder with the same key and rebuilds it for another key or fresh', async () => {
    let made = 0;
    const make = async () => {
      made++;
      await mkdir(dir, { recursive: true });
    };
    expect(await cachedStep(dir, 'a', false, make)).toBe(false);
    expect(await cachedStep(dir, 'a', false, make)).toBe(true);
    expect(await cachedStep(dir, 'b', false, make)).toBe(false);
    expect(await cachedStep(dir, 'b', true, make)).toBe(false);
    expect(made).toBe(3);
  });
});

describe('resumableStep', () => {
  it('continues an interrupted attempt with the same key instead of starting over', async () => {
    const failing = resumableStep(dir, 'k', false, async (resume) => {
      expect(resume).toBe(false);
      await writeFile(join(dir, 'checkpoint'), 'step 5');
      throw new Error('interrupted');
    });
    await expect(failing).rejects.toThrow('interrupted');
    const seen: boolean[] = [];
    const reused = await resumableStep(dir, 'k', false, async (resume) => {
      seen.push(resume);
      expect(await readFile(join(dir, 'checkpoint'), 'utf8')).toBe('step 5'); // kept for the trainer to resume
    });
    expect([reused, seen]).toEqual([false, [true]]);
    expect(await resumableStep(dir, 'k', false, async () => expect.unreachable())).toBe(true);
  });

  it('empties the folder for another key, or when fresh', async () => {
    await resumableStep(dir, 'k', false, async () => {
      await writeFile(join(dir, 'checkpoint'), 'old');
      throw new Error('interrupted');
    }).catch(() => undefined);
    for (const [key, fresh] of [
      ['other', false],
      ['other', true],
    ] as const) {
      await resumableStep(dir, key, fresh, async (resume) => {
        expect(resume).toBe(false);
        expect(existsSync(join(dir, 'checkpoint'))).toBe(false);
        await writeFile(join(dir, 'checkpoint'), 'new');
      });
    }
  });
});
