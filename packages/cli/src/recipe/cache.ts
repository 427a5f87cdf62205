// Reuse of demo steps across runs: each step's output folder gets a stamp of what made it
// (its inputs and settings); a later run reuses the folder when the stamp matches, unless
// --fresh. A step that fails or is interrupted leaves no stamp, so it runs again.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const STAMP = '.tinylm-demo-step.json';

export function keyOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/**
 * Runs `make` to (re)build `dir` unless its stamp matches `key`. Returns whether it was reused.
 * `make` must create `dir` (it is removed first).
 */
export async function cachedStep(dir: string, key: string, fresh: boolean, make: () => Promise<void>): Promise<boolean> {
  if (!fresh) {
    const stamp = await readFile(join(dir, STAMP), 'utf8').catch(() => '');
    if (stamp && (JSON.parse(stamp) as { key?: string }).key === key) return true;
  }
  await rm(dir, { recursive: true, force: true });
  await make();
  await writeFile(join(dir, STAMP), `${JSON.stringify({ key })}\n`);
  return false;
}

const STARTED = '.tinylm-step-started.json';

/**
 * Like `cachedStep`, for long steps that can continue where they stopped: a folder whose last
 * attempt started with the same key and did not finish is kept and `make(true)` continues it (the
 * trainer resumes from its latest checkpoint); otherwise the folder is emptied and `make(false)`
 * starts it. Returns whether the finished folder was reused.
 */
export async function resumableStep(dir: string, key: string, fresh: boolean, make: (resume: boolean) => Promise<void>): Promise<boolean> {
  const stampOf = async (name: string) => {
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    return text ? (JSON.parse(text) as { key?: string }).key : undefined;
  };
  if (!fresh && (await stampOf(STAMP)) === key) return true;
  const resume = !fresh && (await stampOf(STARTED)) === key;
  if (!resume) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, STARTED), `${JSON.stringify({ key })}\n`);
  }
  await make(resume);
  await writeFile(join(dir, STAMP), `${JSON.stringify({ key })}\n`);
  return false;
}
