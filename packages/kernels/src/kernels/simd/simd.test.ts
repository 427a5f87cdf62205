// The committed wasm module is the one simd/kernels.ts compiles to, and its kernels agree with
// float64 math on hostile values (exp's range ends, NaN, ignored and out-of-range targets).
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build helper without types
import { compileSimdKernels, embedModule } from '../../../simd/compile.mjs';
import { KERNELS_WASM_BASE64 } from './kernels-wasm';
import { simd } from './simd';

describe('wasm SIMD kernels', () => {
  it('src/kernels/simd/kernels-wasm.ts is current (npm run build:simd -w @tinylm/kernels rebuilds it)', async () => {
    const bytes: Uint8Array = await compileSimdKernels();
    expect(embedModule(bytes)).toContain(KERNELS_WASM_BASE64.slice(0, 64));
    expect(Buffer.from(bytes).toString('base64')).toBe(KERNELS_WASM_BASE64);
  });

  it('softmax-free exp inside swiglu matches float64 to float32 precision over the whole range', () => {
    const s = simd();
    const g = Float32Array.from([-1e9, -104, -88, -87.3, -20, -1, -1e-7, 0, 1e-7, 0.5, 1, 3.7, 20, 88, 89, 1e9, NaN]);
    const u = new Float32Array(g.length).fill(1);
    const y = new Float32Array(g.length);
    s.tiled(
      g.length,
      [
        { data: g, width: 1 },
        { data: u, width: 1 },
      ],
      [{ data: y, width: 1 }],
      ([pg, pu, py], _r, n) => s.k.swigluFwd(pg, pu, py, n),
    );
    g.forEach((gi, i) => {
      const want = gi / (1 + Math.exp(-gi));
      if (Number.isNaN(gi)) expect(Number.isNaN(y[i])).toBe(true);
      else expect(Math.abs(y[i] - want), `silu(${gi})`).toBeLessThanOrEqual(Math.abs(want) * 3e-7 + 1e-20);
    });
  });

  it('cross-entropy rows: ignored target 0, target outside the vocabulary NaN, the rest logsumexp - logit', () => {
    const s = simd();
    const v = 7;
    const logits = Float32Array.from({ length: 3 * v }, (_, i) => Math.sin(i) * 30);
    const targets = Int32Array.from([2, -100, 9]);
    const [loss, lse] = [new Float32Array(3), new Float32Array(3)];
    s.tiled(
      3,
      [
        { data: logits, width: v },
        { data: targets, width: 1 },
      ],
      [
        { data: loss, width: 1 },
        { data: lse, width: 1 },
      ],
      ([px, pt, pl, pe], _r, rows) => s.k.xentFwd(px, pt, pl, pe, rows, v, -100),
    );
    const row = Array.from(logits.slice(0, v));
    const m = Math.max(...row);
    const want = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0)) - row[2];
    expect(Math.abs(loss[0] - want)).toBeLessThan(1e-5 * Math.abs(want));
    expect(loss[1]).toBe(0);
    expect(Number.isNaN(loss[2])).toBe(true);
  });
});
