// The packages as npm users get them: `npm pack` every package once, install the tarballs into
// a scratch project outside the workspace (third-party dependencies from the registry, through
// the npm cache), and use each one from plain Node (ESM and CommonJS) and from a Vite browser
// bundle. A file missing from `files`, an undeclared dependency, a wrong `exports` path, a
// second tfjs-core or a Node-only import in a browser entry fails here instead of for a user.
// A second scratch project is examples/prune-tokenizer-only, installed from the tarballs: it
// must get no tensor library at all.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, serveDir } from './chromium';
import { node, ROOT } from './support';

interface Workspace {
  dir: string;
  pkg: Record<string, any>;
}

interface Packed {
  name: string;
  version: string;
  filename: string;
  files: { path: string }[];
}

const WORKSPACES: Workspace[] = readdirSync(join(ROOT, 'packages'))
  .map((d) => join(ROOT, 'packages', d))
  .filter((d) => existsSync(join(d, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));
const PUBLISHED = WORKSPACES.filter((w) => !w.pkg.private);
/** Import paths users have: each package's "." plus its other subpaths (hf-io/bytes). */
const ENTRY_POINTS = PUBLISHED.flatMap(({ pkg }) =>
  Object.keys(pkg.exports ?? { '.': null })
    .filter((k) => k !== './package.json')
    .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`)),
);

/** Runs a command without blocking the event loop (two installs run side by side). */
function run(cmd: string, args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', '--loglevel=error'];

let work = '';
const packed = new Map<string, Packed>();
const tarball = (name: string) => `file:${join(work, 'tarballs', packed.get(name)!.filename)}`;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tinylm-pack-'));
  mkdirSync(join(work, 'tarballs'));
  const pack = await run(
    NPM,
    ['pack', '--json', '--pack-destination', join(work, 'tarballs'), ...PUBLISHED.flatMap((w) => ['-w', w.dir])],
    ROOT,
  );
  expect(pack.status, pack.stderr).toBe(0);
  for (const p of JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Packed[]) packed.set(p.name, p);

  // Scratch project 1: every package, nothing else (peers such as tfjs-core come through npm's
  // automatic peer install, as for a user).
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'tinylm-pack-check',
        private: true,
        type: 'module',
        dependencies: Object.fromEntries([...packed.keys()].map((n) => [n, tarball(n)])),
      },
      null,
      2,
    ),
  );
  // Scratch project 2: examples/prune-tokenizer-only as a user has it; @tinylm/* dependencies
  // of dependencies come from the tarballs too (they are not on the registry before a release).
  const pruneOnly = join(work, 'prune-tokenizer-only');
  const example = join(ROOT, 'examples/prune-tokenizer-only');
  cpSync(example, pruneOnly, { recursive: true, filter: (src) => !/[/\\](node_modules|out)$/.test(src) });
  const manifest = JSON.parse(readFileSync(join(example, 'package.json'), 'utf8'));
  for (const name of Object.keys(manifest.dependencies)) if (packed.has(name)) manifest.dependencies[name] = tarball(name);
  manifest.overrides = Object.fromEntries([...packed.keys()].filter((n) => !(n in manifest.dependencies)).map((n) => [n, tarball(n)]));
  writeFileSync(join(pruneOnly, 'package.json'), JSON.stringify(manifest, null, 2));

  const installs = await Promise.all([run(NPM, INSTALL, app), run(NPM, INSTALL, pruneOnly)]);
  for (const r of installs) expect(r.status, r.stderr).toBe(0);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every string an `exports` / bin / main field points at. */
function targets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(targets);
  return [];
}

/** Packages a built file imports or requires (tsup writes one import statement per line or block). */
function importedPackages(code: string): Set<string> {
  const found = new Set<string>();
  const patterns = [
    /^\s*import\s+(?:[\w*\s{},$]+?\s+from\s+)?["']([^"']+)["']/gm, // import x from "p"; import "p"
    /^\s*(?:\}|export\s+[\w*\s{},$]+?)\s*from\s+["']([^"']+)["']/gm, // } from "p" (multi-line); export ... from "p"
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) {
    for (const [, spec] of code.matchAll(re)) {
      if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) continue;
      if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]*)?$/i.test(spec))
        throw new Error(`unexpected import specifier ${JSON.stringify(spec)}`);
      found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return found;
}

describe('packages stand alone', () => {
  it.each(PUBLISHED.map((w) => [w.pkg.name, w] as const))(
    '%s: ESM with types, README, licence, files and exports that exist',
    (name, { dir, pkg }) => {
      const files = new Set(packed.get(name)!.files.map((f) => f.path));
      expect(pkg.type, 'type').toBe('module');
      expect(typeof pkg.license === 'string' && pkg.license.length > 0, 'license field').toBe(true);
      expect(Array.isArray(pkg.files) && pkg.files.length > 0, '"files" field').toBe(true);
      expect(files.has('README.md'), 'README.md in the tarball').toBe(true);
      expect(readFileSync(join(dir, 'README.md'), 'utf8'), 'README with an example').toMatch(/```/);
      for (const [subpath, entry] of Object.entries(pkg.exports as Record<string, any>)) {
        if (subpath === './package.json') continue;
        // types first in every condition; an ESM import with its own .d.ts
        for (const condition of Object.values(entry as Record<string, Record<string, string>>)) {
          expect(Object.keys(condition)[0], `${subpath}: "types" first`).toBe('types');
        }
        expect(entry.import?.default, `${subpath}: import condition`).toMatch(/\.js$/);
        expect(entry.import?.types, `${subpath}: import types`).toMatch(/\.d\.ts$/);
      }
      for (const target of [...targets(pkg.exports), ...targets(pkg.bin), pkg.main, pkg.module, pkg.types].filter(Boolean)) {
        expect(files.has(target.replace(/^\.\//, '')), `${target} is in the tarball`).toBe(true);
      }
    },
  );

  it.each(PUBLISHED.map((w) => [w.pkg.name, w] as const))(
    '%s: declares what its built files import; tfjs-core only as a peer',
    (name, { dir, pkg }) => {
      const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
      const built = packed
        .get(name)!
        .files.map((f) => f.path)
        .filter((f) => /^dist\/.*\.(c?js)$/.test(f));
      expect(built.length).toBeGreaterThan(0);
      const used = new Set<string>();
      for (const f of built) for (const p of importedPackages(readFileSync(join(dir, f), 'utf8'))) used.add(p);
      expect(
        [...used].filter((p) => !declared.has(p) && p !== name),
        `imported but not in dependencies or peerDependencies`,
      ).toEqual([]);
      if (used.has('@tensorflow/tfjs-core')) {
        expect(pkg.peerDependencies?.['@tensorflow/tfjs-core'], 'tfjs-core peer (two copies = two engines)').toMatch(/^\^4\./);
        expect(pkg.dependencies?.['@tensorflow/tfjs-core'], 'tfjs-core must not be a dependency').toBeUndefined();
      }
    },
  );

  it('installs from the tarballs alone: one copy of each @tinylm package and of tfjs-core', () => {
    const app = join(work, 'app');
    const copies = (sub: string): string[] => {
      const out: string[] = [];
      const walk = (dir: string) => {
        const nm = join(dir, 'node_modules');
        if (!existsSync(nm)) return;
        if (existsSync(join(nm, sub, 'package.json'))) out.push(join(nm, sub));
        for (const e of readdirSync(nm)) {
          const scoped = e.startsWith('@') ? readdirSync(join(nm, e)).map((s) => join(nm, e, s)) : [join(nm, e)];
          for (const d of scoped) walk(d);
        }
      };
      walk(app);
      return out;
    };
    for (const [name, p] of packed) {
      const found = copies(name);
      expect(found, name).toHaveLength(1);
      expect(JSON.parse(readFileSync(join(found[0], 'package.json'), 'utf8')).version).toBe(p.version);
    }
    expect(copies('@tensorflow/tfjs-core')).toHaveLength(1);
  });

  it('every entry point imports from plain Node, ESM and CommonJS, with the same exports', () => {
    const script = (esm: boolean) =>
      `const out = {}; for (const n of ${JSON.stringify(ENTRY_POINTS)}) { try { out[n] = Object.keys(${esm ? 'await import(n)' : 'require(n)'}).filter((k) => k !== 'default' && k !== 'module.exports').sort(); } catch (e) { out[n] = String(e.stack ?? e).split('\\n').slice(0, 4).join(' | '); } } console.log(JSON.stringify(out));`;
    const cwd = join(work, 'app');
    const esm = node(['--input-type=module', '-e', script(true)], { cwd });
    const cjs = node(['--input-type=commonjs', '-e', script(false)], { cwd });
    expect(esm.status, esm.stderr).toBe(0);
    expect(cjs.status, cjs.stderr).toBe(0);
    const a = JSON.parse(esm.stdout.trim().split('\n').pop()!);
    const b = JSON.parse(cjs.stdout.trim().split('\n').pop()!);
    for (const n of ENTRY_POINTS) {
      expect(Array.isArray(a[n]), `ESM ${n}: ${a[n]}`).toBe(true);
      expect(Array.isArray(b[n]), `CJS ${n}: ${b[n]}`).toBe(true);
      expect(a[n].length, n).toBeGreaterThan(0);
      expect(b[n], n).toEqual(a[n]);
    }
  });

  it('trains, saves and reloads a model from the installed packages (ESM and CommonJS alike)', () => {
    const body = `
      const dir = mkdtempSync(join(tmpdir(), 'tinylm-pack-model-'));
      const r = await k.initBackend({ backend: 'wasm' });
      const config = a.getPreset('tiny-100k').config;
      const model = m.LlamaModel.create(config, { seed: 0 });
      const opt = new k.AdamW({ lr: 1e-2 });
      const ids = tf.tensor2d([[72, 101, 108, 108, 111, 32, 119, 111]], [1, 8], 'int32');
      const targets = tf.tensor2d([[101, 108, 108, 111, 32, 119, 111, 114]], [1, 8], 'int32');
      const losses = [];
      for (let i = 0; i < 3; i++) losses.push((await m.trainStep(model, opt, ids, targets)).loss);
      await m.saveHfModel(model, join(dir, 'hf'), { dtype: 'bfloat16' });
      const back = await m.loadHfModel(join(dir, 'hf'));
      const bytes = await b.serializeSafetensors([{ name: 'w', dtype: 'F16', shape: [2], data: new Float32Array([0.5, -2]) }]);
      console.log(JSON.stringify({ backend: r.backend, gradients: r.gradients, losses, params: a.countParams(config).total, reloaded: back.numParams(),
        f16: Array.from(b.parseSafetensors(bytes).readTensorAsFloat32('w')), hfType: typeof h.writeHfFolder }));
      rmSync(dir, { recursive: true, force: true });`;
    const modules = {
      tf: '@tensorflow/tfjs-core',
      k: '@tinylm/kernels',
      m: '@tinylm/model',
      a: '@tinylm/arch-config',
      b: '@tinylm/hf-io/bytes',
      h: '@tinylm/hf-io',
    };
    const esmSource = `import { mkdtempSync, rmSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
      ${Object.entries(modules)
        .map(([v, n]) => `import * as ${v} from '${n}';`)
        .join(' ')} ${body}`;
    const cjsSource = `const { mkdtempSync, rmSync } = require('node:fs'); const { tmpdir } = require('node:os'); const { join } = require('node:path');
      ${Object.entries(modules)
        .map(([v, n]) => `const ${v} = require('${n}');`)
        .join(' ')} (async () => { ${body} })().catch((e) => { console.error(e); process.exit(1); });`;
    const cwd = join(work, 'app');
    const results = [
      node(['--input-type=module', '-e', esmSource], { cwd }),
      node(['--input-type=commonjs', '-e', cjsSource], { cwd }),
    ].map((r) => {
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').pop()!);
    });
    for (const out of results) {
      expect(out.backend).toBe('wasm');
      expect(out.gradients).toBe('bundled');
      expect(out.params).toBe(108_864);
      expect(out.reloaded).toBe(108_864);
      expect(out.losses[2]).toBeLessThan(out.losses[0]);
      expect(out.f16).toEqual([0.5, -2]);
      expect(out.hfType).toBe('function');
    }
    expect(results[1].losses).toEqual(results[0].losses);
  });

  it('the tinylm bin runs from the install', () => {
    // the link npm made for package.json "bin"
    const r = node([join(work, 'app/node_modules/.bin/tinylm'), 'backends', '--json'], { cwd: join(work, 'app') });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const byName = Object.fromEntries(report.backends.map((b: { name: string; available: boolean }) => [b.name, b.available]));
    expect(byName).toMatchObject({ wasm: true, cpu: true, tensorflow: false });
  });

  describe('browser bundle', () => {
    let dist = '';
    beforeAll(async () => {
      const app = join(work, 'app');
      // What a web app imports; trains one step on the cpu backend (no wasm binaries to serve).
      writeFileSync(
        join(app, 'index.html'),
        '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./browser-entry.js"></script></body></html>',
      );
      writeFileSync(
        join(app, 'browser-entry.js'),
        `import * as tf from '@tensorflow/tfjs-core';
        import { getPreset, toHfConfig } from '@tinylm/arch-config';
        import { parseSafetensors, serializeSafetensors } from '@tinylm/hf-io/bytes';
        import { AdamW, initBackend } from '@tinylm/kernels';
        import { LlamaModel, paramSpecs, trainStep } from '@tinylm/model';
        window.__result = (async () => {
          const r = await initBackend({ backend: 'cpu' });
          const model = LlamaModel.create(getPreset('tiny-100k').config, { seed: 0 });
          const opt = new AdamW({ lr: 1e-2 });
          const ids = tf.tensor2d([[72, 101, 108, 108, 111, 32, 119, 111]], [1, 8], 'int32');
          const targets = tf.tensor2d([[101, 108, 108, 111, 32, 119, 111, 114]], [1, 8], 'int32');
          const losses = [];
          for (let i = 0; i < 3; i++) losses.push((await trainStep(model, opt, ids, targets)).loss);
          const specs = paramSpecs(model.config);
          const bytes = await serializeSafetensors(specs.map((s) => ({ name: s.name, dtype: 'F32', shape: s.shape, data: () => model.params.get(s.name).data() })));
          return { backend: r.backend, runtime: r.runtime, losses, tensors: parseSafetensors(bytes).tensors.length, specs: specs.length,
            modelType: toHfConfig(model.config).model_type };
        })().catch((e) => ({ error: String(e && e.stack || e) }));`,
      );
      const { build } = await import('vite');
      dist = join(work, 'browser-dist');
      await build({
        root: app,
        configFile: false,
        logLevel: 'error',
        base: './',
        build: { outDir: dist, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192 },
      });
    }, 180_000);

    it('Vite bundles kernels, model, arch-config and hf-io/bytes', () => {
      const assets = readdirSync(join(dist, 'assets'));
      expect(assets.some((f) => f.endsWith('.js'))).toBe(true);
      expect(existsSync(join(dist, 'index.html'))).toBe(true);
    });

    it.skipIf(!chromiumAvailable())(
      'the bundle trains a step in headless Chromium',
      async () => {
        const site = await serveDir(dist);
        const browser = await launchChromium({ webgpu: false });
        try {
          await browser.page.goto(site.url);
          const out = await browser.page.evaluate(() => (window as unknown as { __result: Promise<Record<string, any>> }).__result);
          expect(out.error).toBeUndefined();
          expect(out).toMatchObject({ backend: 'cpu', runtime: 'browser', modelType: 'llama' });
          expect(out.tensors).toBe(out.specs);
          expect(out.losses[2]).toBeLessThan(out.losses[0]);
          expect(browser.errors).toEqual([]);
        } finally {
          await browser.close();
          site.server.close();
        }
      },
      180_000,
    );
  });

  it('examples/prune-tokenizer-only installs no tensor library and runs from the tarballs', () => {
    const dir = join(work, 'prune-tokenizer-only');
    const installed = readdirSync(join(dir, 'node_modules')).flatMap((e) =>
      e.startsWith('@') ? readdirSync(join(dir, 'node_modules', e)).map((s) => `${e}/${s}`) : [e],
    );
    expect(installed).toContain('@tinylm/tokenizer-prune');
    expect(
      installed.filter((p) => p.startsWith('@tensorflow/') || p === 'webgpu' || ['@tinylm/kernels', '@tinylm/model'].includes(p)),
    ).toEqual([]);
    const r = node(['prune.mjs', '--json', '--out', join(dir, 'out')], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(s.tensorLibrary).toBeNull();
    expect(s.vocabSize).toBe(300);
    expect(s.roundTrip).toBe(s.lines);
  });
});
