// The PyTorch yardstick shipped in this package (bench/torch_train_ref.py): found from the built
// bundles without TINYLM_TORCH_REF, run with a thread count, and tied to arch-config's presets.
// The tests that run the script need /usr/bin/python3 (or python3) with torch: they skip with a
// printed reason where it is missing, unless TINYLM_REQUIRE names "python".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { countParams, getPreset } from '@tinylm/arch-config';
import { afterEach, describe, expect, it } from 'vitest';
import { findPython, runPython } from '../../../../tooling/python';
import { gate } from '../../../../tooling/test-env';
import { SHAPES } from './bench';
import { runTorchReference, torchReferenceScript } from './torch-reference';

const pkgRoot = fileURLToPath(new URL('../../', import.meta.url));
const script = join(pkgRoot, 'bench', 'torch_train_ref.py');
const py = findPython(['torch']);
const hasTorch = gate('python', 'python' in py, 'missing' in py ? py.missing : '');

/** The environment without TINYLM_TORCH_REF. */
function envWithoutOverride(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TINYLM_TORCH_REF;
  return env;
}

/** Runs `code` in a fresh node, from a folder outside the repository, and returns its stdout. */
function node(args: string[]): string {
  const cwd = mkdtempSync(join(tmpdir(), 'tinylm-torch-ref-'));
  try {
    const r = spawnSync(process.execPath, args, { cwd, env: envWithoutOverride(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout.trim();
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

const savedOverride = process.env.TINYLM_TORCH_REF;
afterEach(() => {
  if (savedOverride === undefined) delete process.env.TINYLM_TORCH_REF;
  else process.env.TINYLM_TORCH_REF = savedOverride;
});

describe('torch_train_ref.py location', () => {
  it('ships in the package: bench/ is in package.json "files"', () => {
    expect(existsSync(script)).toBe(true);
    const pkg = JSON.parse(readFileSync(join(pkgRoot, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('bench');
  });

  it('the built ESM and CJS bundles find it beside dist/, from any working folder, without TINYLM_TORCH_REF', () => {
    const esm = join(pkgRoot, 'dist', 'index.js');
    const cjs = join(pkgRoot, 'dist', 'index.cjs');
    for (const f of [esm, cjs]) if (!existsSync(f)) throw new Error(`${f} is missing: build the cli first (npm run build)`);
    const fromEsm = node([
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(pathToFileURL(esm).href)}); console.log(m.torchReferenceScript());`,
    ]);
    const fromCjs = node(['-e', `console.log(require(${JSON.stringify(cjs)}).torchReferenceScript())`]);
    expect(fromEsm).toBe(script);
    expect(fromCjs).toBe(script);
  });

  it('from the sources too; TINYLM_TORCH_REF overrides, and a missing override is reported', () => {
    delete process.env.TINYLM_TORCH_REF;
    expect(torchReferenceScript()).toBe(script);
    const dir = mkdtempSync(join(tmpdir(), 'tinylm-torch-ref-'));
    try {
      const other = join(dir, 'my_ref.py');
      writeFileSync(other, 'print("{}")\n');
      process.env.TINYLM_TORCH_REF = other;
      expect(torchReferenceScript()).toBe(other);
      process.env.TINYLM_TORCH_REF = join(dir, 'absent.py');
      expect(torchReferenceScript()).toBeUndefined();
      expect(runTorchReference('bench-5m', { steps: 1, warmup: 1 })).toMatch(/TINYLM_TORCH_REF names a missing file: .*absent\.py/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(hasTorch)('torch_train_ref.py with torch', () => {
  const python = 'python' in py ? py.python : '';

  it('bench-5m, one step on one thread: the JSON line of the yardstick', () => {
    delete process.env.TINYLM_TORCH_REF;
    const r = runTorchReference('bench-5m', { steps: 1, warmup: 1, threads: 1 });
    if (typeof r === 'string') throw new Error(r);
    expect(r).toMatchObject({ impl: 'pytorch-cpu', preset: 'bench-5m', params: 5_261_568, threads: 1, tokens_per_step: 1024, steps: 1 });
    expect(typeof r.torch).toBe('string');
    expect(r.tokens_per_s).toBeGreaterThan(0);
    expect(r.step_ms).toBeGreaterThan(0);
    expect(r.peak_rss_mb as number).toBeGreaterThan(0);
  });

  it("peak_rss_mb is the script's own, not that of the process that started it", () => {
    // getrusage's ru_maxrss survives fork + exec on Linux: started from a parent holding 1 GiB it
    // would report >= 1024 MiB. torch and bench-5m need about 0.5 GiB.
    const code = `const big = Buffer.alloc(1 << 30, 1);
const r = require('node:child_process').spawnSync(${JSON.stringify(python)}, [${JSON.stringify(script)}, '--steps', '1', '--warmup', '0', '--threads', '1'], { encoding: 'utf8' });
if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
console.log(r.stdout.trim().split('\\n').pop(), big[7]);`;
    const r = JSON.parse(node(['-e', code]).replace(/ 1$/, '')) as { peak_rss_mb: number };
    expect(r.peak_rss_mb).toBeGreaterThan(0);
    expect(r.peak_rss_mb).toBeLessThan(1000);
  });

  it('--max-seconds stops the timed steps early, after at least one', () => {
    const out = runPython(python, script, [
      '--preset',
      'bench-5m',
      '--steps',
      '1000',
      '--warmup',
      '0',
      '--threads',
      '1',
      '--max-seconds',
      '0.01',
    ]);
    const r = JSON.parse(out.trim().split('\n').pop() as string) as { steps: number };
    expect(r.steps).toBe(1);
  });

  it("each preset's model has arch-config's exact parameter count and the bench command's batch x seq", () => {
    // Builds every preset's Model (bench-100m is ~0.4 GB of float32) without training it.
    const code = [
      'import importlib.util, json, sys',
      'spec = importlib.util.spec_from_file_location("torch_train_ref", sys.argv[1])',
      'ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)',
      'out = {}',
      'for name, p in ref.PRESETS.items():',
      '    m = ref.Model(p["V"], p["D"], p["L"], p["H"], p["FF"], p["T"])',
      '    out[name] = dict(p, params=sum(t.numel() for t in m.parameters()))',
      '    del m',
      'print(json.dumps(out))',
    ].join('\n');
    const r = spawnSync(python, ['-c', code, script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const presets = JSON.parse(r.stdout) as Record<string, Record<string, number>>;
    expect(Object.keys(presets)).toEqual(Object.keys(SHAPES));
    expect(Object.keys(presets)).toEqual(['bench-5m', 'bench-20m', 'bench-100m']);
    for (const [name, p] of Object.entries(presets)) {
      const c = getPreset(name).config;
      expect({ name, params: p.params }).toEqual({ name, params: countParams(c).total });
      expect([p.V, p.D, p.L, p.H, p.FF, p.T]).toEqual([
        c.vocabSize,
        c.hiddenSize,
        c.numLayers,
        c.numHeads,
        c.intermediateSize,
        c.maxPositionEmbeddings,
      ]);
      expect({ batch: p.B, seq: p.T }).toEqual(SHAPES[name]);
    }
    expect(presets['bench-100m'].params).toBe(97_536_768);
  });
});
