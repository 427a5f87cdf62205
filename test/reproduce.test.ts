// `tinylm reproduce` end to end at a reduced budget: the ladder's six arms train at one parameter
// budget (the equal-bytes rung on more tokens), every output is written, the table and chart hold
// one entry per arm, a second run reuses every run, and bad budgets are refused before anything
// trains. (The figures in docs/reproduction.md come from full-size runs; here only the plumbing
// and the invariants are checked.)
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinylm, tinylmAsync } from './support';

let out: string;
beforeAll(async () => {
  out = join(await mkdtemp(join(tmpdir(), 'tinylm-reproduce-')), 'ladder');
});
afterAll(async () => {
  await rm(join(out, '..'), { recursive: true, force: true });
});

const budget = ['--params', '1200000', '--student-bytes', '8000', '--teacher-bytes', '30000', '--teacher-steps', '2'];
const shape = ['--seeds', '2', '--batch', '8', '--seq', '64', '--backend', 'wasm'];
const args = (steps = '14') => ['reproduce', '--out', out, '--steps', steps, ...budget, ...shape];

describe('tinylm reproduce', () => {
  it('trains the ladder at equal budgets over seeds and reports held-out bits per byte; a second run reuses every run', async () => {
    const first = await tinylmAsync(args());
    expect(first.status, first.stderr).toBe(0);
    for (const f of ['reproduction.md', 'ladder.svg', 'curves.svg', 'results.json']) {
      expect(existsSync(join(out, 'ladder', f)), f).toBe(true);
    }
    const results = JSON.parse(await readFile(join(out, 'ladder', 'results.json'), 'utf8'));
    const ids = ['baseline', 'compact-tokenizer', 'compact-equal-bytes', 'deeper-thinner', 'inheritance', 'two-rounds'];
    expect(results.summary.rows.map((r: { arm: { id: string } }) => r.arm.id)).toEqual(ids);
    expect(results.settings).toMatchObject({ steps: 14, batch: 8, seq: 64, params: 1_200_000, seeds: 2 });
    expect(results.results).toHaveLength(ids.length * 2);
    for (const r of results.results) {
      // equal tokens, the two-round rung included; the equal-bytes rung reads the baseline's bytes instead
      if (r.arm.id === 'compact-equal-bytes') expect(r.steps).toBeGreaterThan(14);
      else expect(r.steps, r.arm.id).toBe(14);
      expect(r.tokens, r.arm.id).toBe(r.steps * 8 * 64);
      expect(Number.isFinite(r.heldOutBitsPerByte) && r.heldOutBitsPerByte > 0, r.arm.id).toBe(true);
    }
    const bytesOf = (id: string) => results.results.find((r: { arm: { id: string } }) => r.arm.id === id).textBytes;
    expect(Math.abs(bytesOf('compact-equal-bytes') - bytesOf('baseline')) / bytesOf('baseline')).toBeLessThan(0.05);
    expect(results.tokenizers).toMatchObject({ big: 4096, compact: 2048 });
    // the two-round rung really trained two rounds (round 2 drawn by loss), the inheritance rung one
    const runDirs = await readdir(join(out, 'runs'));
    const rounds = await Promise.all(runDirs.map((d) => existsSync(join(out, 'runs', d, 'seed-0', 'run', 'rounds', 'round-2.json'))));
    expect(rounds.filter(Boolean)).toHaveLength(1);
    expect(runDirs).toHaveLength(ids.length);

    expect(first.stdout).toContain('## ladder: the PanGu-π Pro ladder');
    const table = first.stdout.split('\n').filter((l) => l.startsWith('| '));
    expect(table).toHaveLength(1 + ids.length);
    expect(table[1]).toMatch(/^\| baseline: big tokenizer, shallow-wide, random init, 1 round \| 4,096 \| /);
    expect(table[2]).toMatch(/ vs baseline: (better|worse|within noise) \(seed spread /);
    const md = await readFile(join(out, 'ladder', 'reproduction.md'), 'utf8');
    expect(md).toContain('Command: `tinylm reproduce --out');
    expect(md).toContain('The paper: PanGu-π-1B 42.41');
    expect(md).toContain('![ladder](ladder.svg)');
    const svg = await readFile(join(out, 'ladder', 'ladder.svg'), 'utf8');
    expect(svg.match(/<rect x=/g)).toHaveLength(ids.length);

    const second = await tinylmAsync(args());
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr.match(/, reused\)/g)).toHaveLength(ids.length * 2);
    expect(second.stdout).toBe(first.stdout);

    // a run killed mid-arm continues from its latest checkpoint (another --lr: new runs, the same teacher)
    const lr = [...args(), '--lr', '3e-3'];
    const killed = await tinylmAsync(lr, { killWhen: /ladder \[1\/12\] baseline seed 0: eval at step 1[02]/ });
    expect(killed.status).toBeNull();
    const resumed = await tinylmAsync(lr, { killWhen: /ladder \[2\/12\]/ });
    expect(resumed.stderr).toMatch(/teacher: reused/);
    expect(resumed.stderr).toMatch(/ladder \[1\/12\] baseline seed 0: .*resuming from .*step-0+(8|12) \(step (8|12)\)/);
    // every finished run's seconds are its training time across resumes: the trainer's last elapsed_s
    for (const key of await readdir(join(out, 'runs'))) {
      for (const seed of await readdir(join(out, 'runs', key))) {
        const dir = join(out, 'runs', key, seed);
        if (!existsSync(join(dir, 'result.json'))) continue;
        const { seconds } = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8'));
        const steps = (await readFile(join(dir, 'run', 'metrics.jsonl'), 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
          .filter((m) => typeof m.elapsed_s === 'number');
        expect(seconds, dir).toBeGreaterThan(0);
        expect(seconds, dir).toBe(steps.at(-1).elapsed_s);
      }
    }
  }, 900_000);

  it('refuses a step budget too small for two rounds before training anything, naming --steps and the minimum', async () => {
    const r = await tinylmAsync(args('6'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /a budget of 6 steps is too small for 2 rounds at sampling rate 0.5 over \d+ batches .*--steps must be at least \d+/,
    );
    expect(r.stderr).not.toMatch(/teacher: (trained|reused)/);
  });

  it('refuses seeds < 1, an unknown study and a teacher too shallow for a deeper student, naming the flag', async () => {
    const seeds = await tinylmAsync([...args(), '--seeds', '0']);
    expect(seeds.status).toBe(2);
    expect(seeds.stderr).toMatch(/--seeds must be a positive integer, got "0"/);
    const study = await tinylmAsync([...args(), '--study', 'vocabulary']);
    expect(study.status).toBe(2);
    expect(study.stderr).toMatch(/--study: unknown study "vocabulary"; allowed: ladder/);
    // given teachers: 2 layers cannot hold a student deeper than the 2-layer baseline; 2 x 128 cannot hold 1.2 M parameters at all
    for (const [name, hidden, ffn, message] of [
      [
        'shallow',
        256,
        704,
        /--params 1200000: the deepest shape that fits the teacher has 2 layers, no deeper than the baseline's \d+: use a deeper teacher \(--teacher\)/,
      ],
      [
        'narrow',
        128,
        352,
        /the teacher \(2 × 128, FFN 352\) cannot hold a deeper-thinner student of --params 1200000: give a larger --teacher or a smaller --params/,
      ],
    ] as const) {
      const config = join(out, '..', `${name}.json`);
      await writeFile(
        config,
        JSON.stringify({
          model_type: 'llama',
          vocab_size: 4096,
          hidden_size: hidden,
          num_hidden_layers: 2,
          num_attention_heads: hidden / 32,
          intermediate_size: ffn,
        }),
      );
      const teacher = join(out, '..', `${name}-teacher`);
      const init = tinylm([
        'init',
        '--config',
        config,
        '--out',
        teacher,
        '--tokenizer',
        join(out, 'tokenizers', 'teacher'),
        '--backend',
        'cpu',
      ]);
      expect(init.status, init.stderr).toBe(0);
      const r = await tinylmAsync([...args(), '--out', join(out, '..', `${name}-run`), '--teacher', teacher]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\[1\/\d+\]/); // nothing trained
    }
  });
});
