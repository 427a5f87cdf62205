// `tinylm reproduce` end to end at a reduced training budget: the five rungs run at one
// parameter budget and one step budget, every output is written, the table and chart hold one
// entry per rung, and a second run reuses every rung. (The figures in docs/reproduction.md come
// from a full-size run; here only the plumbing and the invariants of the ladder are checked.)
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinylmAsync } from './support';

let out: string;
beforeAll(async () => {
  out = join(await mkdtemp(join(tmpdir(), 'tinylm-reproduce-')), 'ladder');
});
afterAll(async () => {
  await rm(join(out, '..'), { recursive: true, force: true });
});

const args = () => ['reproduce', '--out', out, '--steps', '14', '--student-bytes', '8000', '--teacher-steps', '2', '--backend', 'wasm'];

describe('tinylm reproduce', () => {
  it('trains the five rungs at equal budgets and reports held-out bits per byte; a second run reuses them', async () => {
    const first = await tinylmAsync(args());
    expect(first.status, first.stderr).toBe(0);
    for (const f of ['reproduction.md', 'ladder.svg', 'ladder-curves.svg', 'results.json', 'inherited-init/hf/config.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(results.summary.map((r: { rung: { id: string } }) => r.rung.id)).toEqual([
      'baseline',
      'compact-tokenizer',
      'deeper-thinner',
      'inheritance',
      'two-rounds',
    ]);
    expect(results.budget).toMatchObject({ steps: 14, batch: 8, seq: 64, tokens: 14 * 8 * 64, params: 1_200_000 });
    for (const r of results.results) {
      expect(r.steps, r.rung.id).toBe(14); // the two-round rung included: same total steps
      expect(r.tokens, r.rung.id).toBe(14 * 8 * 64);
      expect(Number.isFinite(r.heldOutBitsPerByte) && r.heldOutBitsPerByte > 0, r.rung.id).toBe(true);
    }
    expect(results.tokenizers).toMatchObject({ big: 4096, compact: 2048 });
    // the two-round rung really trained two rounds: round 2 was drawn by loss
    expect(existsSync(join(out, 'rungs', 'two-rounds', 'seed-0', 'run', 'rounds', 'round-2.json'))).toBe(true);
    expect(existsSync(join(out, 'rungs', 'inheritance', 'seed-0', 'run', 'rounds', 'round-2.json'))).toBe(false);

    const table = first.stdout.trim().split('\n');
    expect(table).toHaveLength(2 + 5);
    expect(table[2]).toMatch(/^\| 1 \| big tokenizer, shallow-wide, random init, 1 round \| 4,096 \| 3 × 96/);
    const md = await readFile(join(out, 'reproduction.md'), 'utf8');
    expect(md).toContain('Command: `tinylm reproduce --out');
    expect(md).toContain('![ladder](ladder.svg)');
    const svg = await readFile(join(out, 'ladder.svg'), 'utf8');
    expect(svg.match(/<rect x=/g)).toHaveLength(5);

    const second = await tinylmAsync(args());
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr.match(/, reused\)/g)).toHaveLength(5);
    expect(second.stdout).toBe(first.stdout);
  }, 600_000);

  it('refuses a step budget too small for two rounds before training anything', async () => {
    const r = await tinylmAsync([...args().slice(0, 3), '--steps', '6', ...args().slice(5)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/a budget of 6 steps is too small for two rounds over \d+ batches/);
    expect(r.stderr).not.toMatch(/teacher: (trained|reused)/);
  });
});
