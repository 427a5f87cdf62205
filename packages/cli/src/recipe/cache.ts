// Reuse of demo steps across runs: each step's output folder gets a stamp of what made it
// (its inputs and settings); a later run reuses the folder when the stamp matches, unless
// --fresh. A step that fails or is interrupted leaves no stamp, so it runs again.
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
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
