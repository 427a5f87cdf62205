// metrics.jsonl: one JSON object a line, appended as training goes (step lines with step,
// round, loss, lr, tokens, elapsed_s; eval lines with val_loss and val_bpb). On resume the
// lines after the checkpoint's step are dropped, so the file reads as one uninterrupted run.
import { appendFile, readFile } from 'node:fs/promises';
import { atomicWriteFile } from '@tinylm/hf-io';

export class MetricsLog {
  constructor(readonly path: string) {}

  async write(row: Record<string, unknown>): Promise<void> {
    await appendFile(this.path, `${JSON.stringify(row)}\n`);
  }

  /** Keeps only rows with step <= `step` (and rows without a step). */
  async truncateAfter(step: number): Promise<void> {
    const text = await readFile(this.path, 'utf8').catch(() => '');
    const kept = text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .filter((l) => {
        try {
          const s = (JSON.parse(l) as { step?: unknown }).step;
          return typeof s !== 'number' || s <= step;
        } catch {
          return false; // a line cut by a kill
        }
      });
    await atomicWriteFile(this.path, kept.length ? `${kept.join('\n')}\n` : '');
  }
}

/** Reads a metrics file (for reports and tests). */
export async function readMetrics(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
