// Memory and speed of streamed inheritance (the criteria that need no forward pass: uniform,
// first-last, l1, l2). Writes a synthetic checkpoint with LLaMA-2-7B's tensor shapes (random
// BF16, `--layers` decoder layers plus embedding, final norm and untied head, sharded at 2 GB),
// then, in child processes of the built CLI measured by /usr/bin/time -v, inherits it into a
// smaller shape, and reads the same files with `cat FILE > /dev/null` for the plain sequential
// read speed. Each measurement runs with the guest page cache dropped first (when writable:
// /proc/sys/vm/drop_caches, needs root) and again warm. Deletes everything it wrote.
// From the repository root, after building:
//   npx vite-node packages/param-inherit/bench/inherit-memory.ts -- [--layers 8] [--dir /tmp] [--repeat 3]
// Timings are the best of `--repeat` runs (the machine is shared), peak RSS the largest.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getPreset, resolveConfig, toHfConfig } from '@tinylm/arch-config';
import { writeHfFolder } from '@tinylm/hf-io';
import { paramSpecs } from '@tinylm/model';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { layers: { type: 'string', default: '8' }, dir: { type: 'string', default: '/tmp' }, repeat: { type: 'string', default: '3' } },
});
const ROOT = new URL('../../..', import.meta.url).pathname;
const BIN = join(ROOT, 'packages/cli/dist/bin.js');
const source = resolveConfig({ ...getPreset('llama2-7b').config, numLayers: Number(values.layers) });
const target = {
  ...source,
  numLayers: Math.max(1, Math.floor(source.numLayers / 2)),
  hiddenSize: 2048,
  numHeads: 16,
  numKvHeads: 16,
  intermediateSize: 5504,
};

function df(path: string): string {
  return execFileSync('df', ['-h', path], { encoding: 'utf8' }).trim().split('\n').pop()!;
}

/** Random BF16 bits with a sane magnitude (|w| in about [2^-10, 2^-3)): sign, exponent 117..124, random mantissa. */
function randomBf16(n: number, seed: number): Uint16Array {
  const out = new Uint16Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s & 0x807f) | ((117 + ((s >>> 8) & 7)) << 7);
  }
  return out;
}

function dropCaches(): boolean {
  spawnSync('sync');
  const r = spawnSync('sh', ['-c', 'echo 1 > /proc/sys/vm/drop_caches'], { encoding: 'utf8' });
  return r.status === 0;
}

interface Timed {
  seconds: number;
  maxRssMb: number;
  status: number | null;
  stderr: string;
}

/** Best wall time and largest peak RSS of `repeat` runs of `cmd`, each after `before()`. */
function best(cmd: string[], before: () => void): Timed {
  let out: Timed | undefined;
  for (let i = 0; i < Number(values.repeat); i++) {
    before();
    const r = timed(cmd);
    if (r.status !== 0) return r;
    out = out ? { ...r, seconds: Math.min(out.seconds, r.seconds), maxRssMb: Math.max(out.maxRssMb, r.maxRssMb) } : r;
  }
  return out!;
}

const load = () => execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');

/** Runs a command under /usr/bin/time -v: wall seconds and peak RSS. */
function timed(cmd: string[]): Timed {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', ...cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds, maxRssMb: rss ? Number(rss[1]) / 1024 : NaN, status: r.status, stderr: r.stderr };
}

const work = await mkdtemp(join(values.dir!, 'tinylm-inherit-bench-'));
console.log(`disk before: ${df(values.dir!)}`);
try {
  const src = join(work, 'llama2-7b-shapes');
  const t0 = performance.now();
  const specs = paramSpecs(source);
  await writeHfFolder(src, {
    tensors: specs.map((spec, i) => ({
      name: spec.name,
      dtype: 'BF16' as const,
      shape: spec.shape,
      data: () =>
        spec.kind === 'norm'
          ? new Uint16Array(spec.shape[0]).fill(0x3f80)
          : randomBf16(
              spec.shape.reduce((a, b) => a * b, 1),
              i + 1,
            ),
    })),
    config: toHfConfig(source, { torchDtype: 'bfloat16' }),
    maxShardSize: '2GB',
  });
  const shards = (await readdir(src)).filter((f) => f.endsWith('.safetensors')).map((f) => join(src, f));
  let bytes = 0;
  for (const f of shards) bytes += (await stat(f)).size;
  const largest = Math.max(...specs.map((s) => s.shape.reduce((a, b) => a * b, 1) * 2));
  console.log(
    `wrote ${(bytes / 1e9).toFixed(2)} GB in ${shards.length} shards (${((performance.now() - t0) / 1000).toFixed(0)} s); largest tensor ${(largest / 2 ** 20).toFixed(0)} MiB`,
  );
  console.log(`disk with the checkpoint: ${df(values.dir!)}`);
  const targetFile = join(work, 'target.json');
  await writeFile(targetFile, JSON.stringify(target));
  const baseline = timed(['node', BIN, '--help']);
  console.log(`node + tinylm CLI loaded (tinylm --help): peak RSS ${baseline.maxRssMb.toFixed(0)} MB`);
  const rows: string[] = [];
  console.log(`load average before: ${load()}`);
  for (const cache of ['cold', 'warm'] as const) {
    if (cache === 'cold' && !dropCaches()) {
      console.log('cannot drop the page cache here (not root?): cold rows skipped');
      continue;
    }
    const prepare = () => {
      if (cache === 'cold') dropCaches();
    };
    const cat = best(['sh', '-c', `cat ${shards.join(' ')} > /dev/null`], prepare);
    const catMbs = bytes / 1e6 / cat.seconds;
    rows.push(`cat (all shards) | ${cache} | ${cat.seconds.toFixed(1)} | ${catMbs.toFixed(0)} | — | ${cat.maxRssMb.toFixed(0)}`);
    for (const [layers, width] of [
      ['first-last', 'l2'],
      ['uniform', 'l1'],
    ] as const) {
      const out = join(work, `out-${layers}-${width}`);
      const r = best(
        [
          'node',
          BIN,
          'inherit',
          '--from',
          src,
          '--to',
          targetFile,
          '--out',
          out,
          '--layers',
          layers,
          '--width',
          width,
          '--json',
          '--force',
        ],
        prepare,
      );
      if (r.status !== 0) throw new Error(`inherit failed: ${r.stderr}`);
      const report = JSON.parse(await (await import('node:fs/promises')).readFile(join(out, 'inherit-report.json'), 'utf8'));
      const read = report.timing.bytesRead as number;
      const srcMbs = bytes / 1e6 / r.seconds;
      console.log(`${layers} + ${width} (${cache}): phases ${JSON.stringify(report.timing.phases)}`);
      rows.push(
        `inherit ${layers} + ${width} | ${cache} | ${r.seconds.toFixed(1)} | ${srcMbs.toFixed(0)} (read ${(read / 1e9).toFixed(2)} GB: ${(read / 1e6 / r.seconds).toFixed(0)}) | ${(catMbs / srcMbs).toFixed(2)}x cat | ${r.maxRssMb.toFixed(0)}`,
      );
      await rm(out, { recursive: true, force: true });
    }
  }
  console.log(`load average after: ${load()}`);
  console.log(
    `\nsource: LLaMA-2-7B shapes, ${source.numLayers} layers, BF16, ${(bytes / 1e9).toFixed(2)} GB; target: ${JSON.stringify(target)}`,
  );
  console.log('| what | page cache | seconds | MB/s of the source (bytes actually read: MB/s) | time vs cat | peak RSS MB |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r} |`);
} finally {
  await rm(work, { recursive: true, force: true });
  console.log(`\ndisk after cleanup: ${df(values.dir!)}`);
}
