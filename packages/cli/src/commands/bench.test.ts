// `tinylm bench train`: its presets, its usage errors and the ratio lines against PyTorch
// (the benchmark itself runs minutes per backend, so it is not run here).
import { getPreset } from '@tinylm/arch-config';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io';
import { runCli } from '../run-cli';
import { ratioLines, SHAPES } from './bench';
import type { TorchReference } from './torch-reference';

function capture(): CliIo & { outText: string[]; errText: string[] } {
  const outText: string[] = [];
  const errText: string[] = [];
  return { outText, errText, out: (t) => outText.push(t), err: (t) => errText.push(t) };
}

const torchLine = (threads: number, tokensPerS: number): TorchReference => ({
  impl: 'pytorch-cpu',
  threads,
  preset: 'bench-5m',
  tokens_per_s: tokensPerS,
  step_ms: 1024_000 / tokensPerS,
});

describe('bench train', () => {
  it('--preset nope is a usage error listing the three presets', async () => {
    const io = capture();
    expect(await runCli(['bench', 'train', '--preset', 'nope'], io)).toBe(2);
    expect(io.errText[0]).toMatch(
      /^tinylm bench: --preset must be one of bench-5m, bench-20m, bench-100m, got "nope"\nusage: tinylm bench train --preset bench-5m\|bench-20m\|bench-100m /,
    );
    expect(io.outText).toEqual([]);
  });

  it('an unknown flag or benchmark is a usage error too', async () => {
    const io = capture();
    expect(await runCli(['bench', 'train', '--thread', '2'], io)).toBe(2);
    expect(io.errText[0]).toMatch(/usage: tinylm bench train/);
    for (const [bad, why] of [
      ['0', /--threads must be a positive integer, got "0"/],
      ['4096', /--threads must be at most \d+ \(the cores of this machine\), got 4096/],
    ] as const) {
      const io3 = capture();
      expect(await runCli(['bench', 'train', '--backend', 'cpu', '--threads', bad], io3)).toBe(2);
      expect(io3.errText.join('\n')).toMatch(why);
    }
    const io2 = capture();
    expect(await runCli(['bench', 'infer'], io2)).toBe(2);
    expect(io2.errText[0]).toMatch(/unknown benchmark "infer"/);
  });

  it('every bench preset is an arch-config preset whose positions cover its sequence', () => {
    expect(SHAPES).toEqual({
      'bench-5m': { batch: 8, seq: 128 },
      'bench-20m': { batch: 8, seq: 256 },
      'bench-100m': { batch: 8, seq: 256 },
    });
    for (const [name, shape] of Object.entries(SHAPES)) expect(getPreset(name).config.maxPositionEmbeddings).toBe(shape.seq);
  });

  it('ratios are to the faster PyTorch line and name its thread count', () => {
    const results = [
      { backend: 'wasm', preset: 'bench-5m', tokens_per_s: 500 },
      { backend: 'cpu', preset: 'bench-5m', tokens_per_s: 5 },
    ];
    expect(ratioLines(results, [torchLine(1, 2500), torchLine(2, 2000)])).toEqual([
      { backend: 'wasm', preset: 'bench-5m', ratio_vs_pytorch: 0.2, pytorch_threads: 1 },
      { backend: 'cpu', preset: 'bench-5m', ratio_vs_pytorch: 0.002, pytorch_threads: 1 },
    ]);
    expect(ratioLines(results, [torchLine(1, 2500), torchLine(16, 4000)])[0]).toEqual({
      backend: 'wasm',
      preset: 'bench-5m',
      ratio_vs_pytorch: 0.125,
      pytorch_threads: 16,
    });
    expect(ratioLines(results, [])).toEqual([]);
  });
});
