// `npm run fuzz [-- RUNS]`: a long fuzzing campaign over every package's *.fuzz.test.ts (see
// tooling/fuzz/harness.ts): RUNS cases per target (default 100,000) from a fresh seed, which is
// printed so a failure can be replayed (TINYLM_FUZZ_SEED=… npm run fuzz). Failing inputs are
// written to fuzz-failures/ at the repository root. Needs the packages built (`npm run build`).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const runs = process.argv[2] ?? process.env.TINYLM_FUZZ_RUNS ?? '100000';
if (!/^[1-9]\d*$/.test(runs)) {
  console.error(`npm run fuzz: the number of runs must be a positive integer, got ${JSON.stringify(runs)}`);
  process.exit(2);
}
const seed = process.env.TINYLM_FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const out = join(root, 'fuzz-failures');
console.log(`fuzz: ${runs} cases per target, seed ${seed} (replay with TINYLM_FUZZ_SEED=${seed}); failures go to ${out}`);

let failed = 0;
for (const pkg of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', pkg, 'src');
  const files = readdirSync(src).filter((f) => f.endsWith('.fuzz.test.ts'));
  if (files.length === 0) continue;
  const t0 = performance.now();
  const r = spawnSync('npx', ['vitest', 'run', '--testTimeout', String(Number(runs) * 20 + 120_000), ...files.map((f) => `src/${f}`)], {
    cwd: join(root, 'packages', pkg),
    stdio: 'inherit',
    env: { ...process.env, TINYLM_FUZZ_RUNS: runs, TINYLM_FUZZ_SEED: seed, TINYLM_FUZZ_OUT: out },
  });
  console.log(
    `fuzz: ${pkg}: ${files.length} file(s), ${r.status === 0 ? 'passed' : 'FAILED'} in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
