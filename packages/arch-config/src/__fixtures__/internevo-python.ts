// Test support: runs an emitted InternEvo config through ../internevo-config-loader.py (how
// InternEvo's Config.from_file loads it) with Debian's /usr/bin/python3 (tooling/python.ts), and
// returns its items as JSON. Without a python3 the tests skip with the reason, unless
// TINYLM_REQUIRE (comma-separated) includes "python", which makes that a failure. TINYLM_PYTHON
// names another interpreter.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { findPython, runPython } from '../../../../tooling/python';

const LOADER = fileURLToPath(new URL('../internevo-config-loader.py', import.meta.url));
// TINYLM_PYTHON names another interpreter (e.g. a missing one, to see the skip path).
const override = process.env.TINYLM_PYTHON;
const found: { python: string } | { missing: string } = override
  ? spawnSync(override, ['-c', 'pass']).status === 0
    ? { python: override }
    : { missing: `${override} does not run` }
  : findPython([]);

/** Skips the test (or fails it when TINYLM_REQUIRE has "python") when no python3 runs. */
export function needPython(ctx: { skip: () => void }): void {
  if ('python' in found) return;
  const required = (process.env.TINYLM_REQUIRE ?? '').split(',').map((s) => s.trim().toLowerCase());
  if (required.includes('python')) throw new Error(`TINYLM_REQUIRE includes "python" but ${found.missing}`);
  console.warn(`skipped: ${found.missing}, so the emitted InternEvo config is not executed (set TINYLM_REQUIRE=python to make this fail)`);
  ctx.skip();
}

/** The config's items as InternEvo's loader sees them; tuples as {"__tuple__": [...]}, plus "__ffn__". */
// biome-ignore lint/suspicious/noExplicitAny: JSON from Python, asserted field by field
export function loadInInternEvo(source: string): Record<string, any> {
  if (!('python' in found)) throw new Error(found.missing);
  const dir = mkdtempSync(join(tmpdir(), 'internevo-config-'));
  try {
    const file = join(dir, 'tinylm_config.py');
    writeFileSync(file, source);
    return JSON.parse(runPython(found.python, LOADER, [file]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
