// `tinylm bench train`: training throughput of a preset on one backend (or every available one,
// with the package's PyTorch reference script, bench/torch_train_ref.py, on one thread and on every
// core in the same run, for a side-by-side ratio to the faster of the two).
import { availableParallelism } from 'node:os';
import { getPreset } from '@tinylm/arch-config';
import { probeBackends } from '@tinylm/kernels';
import { benchTrain } from '@tinylm/model';
import { intFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { BACKEND_FLAG, startBackend, WEBGPU_STEP_FLAG, webgpuStepFlag } from './backend-flag';
import type { Command } from './command';
import { runTorchReference, type TorchReference, torchReferenceSetup } from './torch-reference';
import { showValue } from '@tinylm/errors';

const USAGE =
  'tinylm bench train --preset bench-5m|bench-20m|bench-100m [--backend NAME] [--threads N] [--all] [--webgpu-step compiled|tfjs] [--steps N] [--warmup N] [--max-seconds S] [--seed S] [--json]';

/** Batch and sequence length of each bench preset, as in bench/torch_train_ref.py. */
export const SHAPES: Record<string, { batch: number; seq: number }> = {
  'bench-5m': { batch: 8, seq: 128 },
  'bench-20m': { batch: 8, seq: 256 },
  'bench-100m': { batch: 8, seq: 256 },
};

/** Peak resident set of this process in MiB (maxRSS is in KiB on Linux). */
function peakRssMb(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** PyTorch thread counts to time: one thread, and every core when there is more than one. */
function torchThreadCounts(): number[] {
  const cores = availableParallelism();
  return cores > 1 ? [1, cores] : [1];
}

/**
 * One line per tinylm result: its tokens/s over the faster PyTorch line's, and that line's thread
 * count. None when no PyTorch line came back.
 */
export function ratioLines(results: Record<string, unknown>[], torch: TorchReference[]): Record<string, unknown>[] {
  const fastest = torch.reduce<TorchReference | undefined>(
    (best, t) => (!best || t.tokens_per_s > best.tokens_per_s ? t : best),
    undefined,
  );
  if (!fastest) return [];
  return results.map((r) => ({
    backend: r.backend,
    preset: r.preset,
    ratio_vs_pytorch: Math.round(((r.tokens_per_s as number) / fastest.tokens_per_s) * 1000) / 1000,
    pytorch_threads: fastest.threads,
  }));
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'training-throughput benchmark (tokens/s) of a bench preset, side by side with PyTorch',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    if (argv[0] !== 'train') throw new UsageError(`unknown benchmark ${showValue(argv[0] ?? '')}\nusage: ${USAGE}`);
    const { values } = parseFlags(
      argv.slice(1),
      {
        ...BACKEND_FLAG,
        ...WEBGPU_STEP_FLAG,
        preset: { type: 'string' },
        all: { type: 'boolean' },
        steps: { type: 'string' },
        'max-seconds': { type: 'string' },
        warmup: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    const preset = (values.preset as string | undefined) ?? 'bench-5m';
    const shape = SHAPES[preset];
    if (!shape)
      throw new UsageError(`--preset must be one of ${Object.keys(SHAPES).join(', ')}, got ${showValue(preset)}\nusage: ${USAGE}`);
    const config = getPreset(preset).config;
    const steps = intFlag('steps', values.steps, 3);
    const warmup = intFlag('warmup', values.warmup, 1, 0);
    const seed = intFlag('seed', values.seed, 0, 0);
    const webgpuStep = webgpuStepFlag(values['webgpu-step']);
    const maxSeconds = values['max-seconds'] === undefined ? undefined : intFlag('max-seconds', values['max-seconds']);
    let backends: (string | undefined)[] = [values.backend as string | undefined];
    if (values.all && values.backend === undefined) {
      const available = (await probeBackends()).filter((b) => b.available);
      // A software WebGPU adapter times SwiftShader, not WebGPU: ask for it by name to run it anyway.
      const software = available.filter((b) => b.name === 'webgpu' && /swiftshader/i.test(b.reason));
      for (const b of software) io.err(`skipping webgpu: ${b.reason} is a CPU rasteriser (run --backend webgpu to time it anyway)`);
      // tfjs's plain-JavaScript backend takes minutes a step where blas or wasm is there
      const slow = available.filter((b) => b.name === 'cpu' && available.some((o) => o.name === 'blas' || o.name === 'wasm'));
      for (const b of slow)
        io.err(`skipping ${b.name}: plain JavaScript, 100x slower than blas and wasm (run --backend cpu to time it anyway)`);
      backends = available.filter((b) => !software.includes(b) && !slow.includes(b)).map((b) => b.name);
    }
    const results: Record<string, unknown>[] = [];
    for (const name of backends) {
      const report = await startBackend({ backend: name, threads: values.threads }, io, Boolean(values.json));
      io.err(`bench ${preset} on ${report.backend}: ${warmup} warm-up + ${steps} timed steps of ${shape.batch}x${shape.seq} tokens ...`);
      const r = await benchTrain(config, { ...shape, steps, warmup, seed, maxSeconds, webgpuStep });
      const line = { backend: report.backend, threads: report.threads, preset, ...r, peak_rss_mb: peakRssMb() };
      results.push(line);
      io.out(JSON.stringify(line));
    }
    if (values.all) {
      const torchLines: TorchReference[] = [];
      const setup = torchReferenceSetup();
      if (typeof setup === 'string') io.err(`PyTorch reference not run: ${setup}`);
      for (const threads of typeof setup === 'string' ? [] : torchThreadCounts()) {
        io.err(`bench ${preset} on PyTorch, ${threads} thread${threads === 1 ? '' : 's'} ...`);
        const torch = runTorchReference(preset, { steps, warmup, threads, maxSeconds });
        if (typeof torch === 'string') {
          io.err(`PyTorch reference (${threads} thread${threads === 1 ? '' : 's'}) not run: ${torch}`);
          continue;
        }
        io.out(JSON.stringify(torch));
        torchLines.push(torch);
      }
      for (const line of ratioLines(results, torchLines)) io.out(JSON.stringify(line));
    }
    return 0;
  },
};
