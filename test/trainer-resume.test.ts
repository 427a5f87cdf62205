// `tinylm train` killed with SIGKILL part-way and resumed with --resume writes the same
// metrics.jsonl losses as an uninterrupted run: bit for bit, on the cpu backend and on blas (the
// CPU training path: BLAS products, SIMD kernels, reused memory), where it is present.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gate } from '../tooling/test-env';
import { ROOT, tinylm } from './support';
import { writeTinyRun } from './tiny-run';

let dir: string;
const blas = JSON.parse(tinylm(['backends', '--json']).stdout).backends.find((b: { name: string }) => b.name === 'blas');
// blas steps take milliseconds: more of them, so the kill lands before the run ends
const backends: [string, number][] = [
  ['cpu', 14],
  ...(gate('blas', blas.available, blas.reason) ? [['blas', 90] as [string, number]] : []),
];
let backend = 'cpu';
let steps = 14;
const args = (out: string) => [
  'train',
  '--config',
  join(dir, 'cfg.json'),
  '--data',
  join(dir, 'docs.bin'),
  '--out',
  out,
  '--steps',
  String(steps),
  '--batch',
  '4',
  '--seq',
  '32',
  '--checkpoint-every',
  '3',
  '--lr',
  '1e-2',
  '--rounds',
  '2',
  '--seed',
  '1',
  '--backend',
  backend,
];

async function losses(run: string): Promise<[number, number][]> {
  return (await readFile(join(run, 'metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => 'loss' in l)
    .map((l) => [l.step, l.loss]);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-resume-'));
  await writeTinyRun(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(backends)('tinylm train --resume after SIGKILL on %s', (name, n) => {
  it('repeats the uninterrupted losses exactly', async () => {
    [backend, steps] = [name, n];
    const whole = tinylm(args(join(dir, `whole-${name}`)));
    expect(whole.status, whole.stderr).toBe(0);
    const want = await losses(join(dir, `whole-${name}`));
    expect(want.length).toBeGreaterThan(n);

    const run = join(dir, `killed-${name}`);
    const child = spawn(process.execPath, [join(ROOT, 'packages/cli/dist/bin.js'), ...args(run)], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 120_000;
    while (!existsSync(join(run, 'step-00000006')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(join(run, 'final'))).toBe(false); // it really was cut short
    const partial = await losses(run);
    expect(partial.length).toBeLessThan(want.length);

    const resumed = tinylm([...args(run), '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming from .*step-000000\d\d/);
    expect(await losses(run)).toEqual(want);
  });
});
