// `tinylm bench train`: training throughput of a preset on one backend (or every available one,
// with PyTorch's reference script in the same run for a side-by-side ratio).
import { getPreset } from '@tinylm/arch-config';
import { probeBackends } from '@tinylm/kernels';
import { benchTrain } from '@tinylm/model';
import { intFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { BACKEND_FLAG, startBackend } from './backend-flag';
import type { Command } from './command';
import { runTorchReference } from './torch-reference';

const USAGE =
  'tinylm bench train --preset bench-5m|bench-20m [--backend NAME | --all] [--steps N] [--warmup N] [--max-seconds S] [--seed S] [--json]';

/** Batch and sequence length of each bench preset, as in torch_train_ref.py. */
const SHAPES: Record<string, { batch: number; seq: number }> = {
  'bench-5m': { batch: 8, seq: 128 },
  'bench-20m': { batch: 8, seq: 256 },
};

export const benchCommand: Command = {
  name: 'bench',
  summary: 'training-throughput benchmark (tokens/s) of a bench preset, side by side with PyTorch',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    if (argv[0] !== 'train') throw new UsageError(`unknown benchmark "${argv[0] ?? ''}"\nusage: ${USAGE}`);
    const { values } = parseFlags(
      argv.slice(1),
      { ...BACKEND_FLAG, preset: { type: 'string' }, all: { type: 'boolean' }, steps: { type: 'string' }, 'max-seconds': { type: 'string' }, warmup: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } },
      USAGE,
    );
    const preset = (values.preset as string | undefined) ?? 'bench-5m';
    const shape = SHAPES[preset];
    if (!shape) throw new UsageError(`--preset must be one of ${Object.keys(SHAPES).join(', ')}, got "${preset}"`);
    const config = getPreset(preset).config;
    const steps = intFlag('steps', values.steps, 3);
    const warmup = intFlag('warmup', values.warmup, 1, 0);
    const seed = intFlag('seed', values.seed, 0, 0);
    const maxSeconds = values['max-seconds'] === undefined ? undefined : intFlag('max-seconds', values['max-seconds']);
    let backends: (string | undefined)[] = [values.backend as string | undefined];
    if (values.all) {
      const available = (await probeBackends()).filter((b) => b.available);
      // A software WebGPU adapter times SwiftShader, not WebGPU: ask for it by name to run it anyway.
      const software = available.filter((b) => b.name === 'webgpu' && /swiftshader/i.test(b.reason));
      for (const b of software) io.err(`skipping webgpu: ${b.reason} is a CPU rasteriser (run --backend webgpu to time it anyway)`);
      backends = available.filter((b) => !software.includes(b)).map((b) => b.name);
    }
    const results: Record<string, unknown>[] = [];
    for (const name of backends) {
      const report = await startBackend(name, io, Boolean(values.json));
      io.err(`bench ${preset} on ${report.backend}: ${warmup} warm-up + ${steps} timed steps of ${shape.batch}x${shape.seq} tokens ...`);
      const r = await benchTrain(config, { ...shape, steps, warmup, seed, maxSeconds });
      const line = { backend: report.backend, preset, ...r };
      results.push(line);
      io.out(JSON.stringify(line));
    }
    if (values.all) {
      const torch = runTorchReference(preset, steps, warmup);
      if (typeof torch === 'string') io.err(`PyTorch reference not run: ${torch}`);
      else {
        io.out(JSON.stringify(torch));
        for (const r of results) {
          const ratio = (r.tokens_per_s as number) / torch.tokens_per_s;
          io.out(JSON.stringify({ backend: r.backend, preset, ratio_vs_pytorch: Math.round(ratio * 1000) / 1000 }));
        }
      }
    }
    return 0;
  },
};
