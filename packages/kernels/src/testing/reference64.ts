// Float64 reference implementations of the ops, written as plain loops straight from the
// formulas (nothing shared with the tfjs code under test), and a central finite-difference
// gradient. Used by the conformance suite; not part of the published package.

export type Arr = Float64Array;

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function randn(n: number, seed: number, scale = 1): Arr {
  const r = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(r(), 1e-12);
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r()) * scale;
  }
  return out;
}

/** table (V, C), ids (N) -> (N, C) */
export function embedding64(table: Arr, ids: Int32Array, c: number): Arr {
  const out = new Float64Array(ids.length * c);
  ids.forEach((id, i) => {
    for (let j = 0; j < c; j++) out[i * c + j] = table[id * c + j];
  });
  return out;
}

/** x (N, C), w (C) */
export function rmsNorm64(x: Arr, w: Arr, c: number, eps: number): Arr {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length / c; i++) {
    let ss = 0;
    for (let j = 0; j < c; j++) ss += x[i * c + j] ** 2;
    const r = 1 / Math.sqrt(ss / c + eps);
    for (let j = 0; j < c; j++) out[i * c + j] = x[i * c + j] * r * w[j];
  }
  return out;
}

/** x (B, H, T, D), Hugging Face rotate_half convention, positions offset.. */
export function rotary64(x: Arr, [b, h, t, d]: number[], theta: number, offset: number): Arr {
  const out = new Float64Array(x.length);
  const half = d / 2;
  for (let bh = 0; bh < b * h; bh++) {
    for (let p = 0; p < t; p++) {
      const row = (bh * t + p) * d;
      for (let i = 0; i < half; i++) {
        const a = (p + offset) * theta ** ((-2 * i) / d);
        const [c, s] = [Math.cos(a), Math.sin(a)];
        const x1 = x[row + i];
        const x2 = x[row + i + half];
        out[row + i] = x1 * c - x2 * s;
        out[row + i + half] = x2 * c + x1 * s;
      }
    }
  }
  return out;
}

function matVecT(w: Arr, x: Arr, xo: number, rows: number, cols: number, out: Arr, oo: number): void {
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let k = 0; k < cols; k++) acc += w[r * cols + k] * x[xo + k];
    out[oo + r] = acc;
  }
}

/** x (N, C), gate/up (F, C), down (C, F) -> (N, C) */
export function swigluMlp64(x: Arr, wg: Arr, wu: Arr, wd: Arr, c: number, f: number): Arr {
  const n = x.length / c;
  const out = new Float64Array(n * c);
  const g = new Float64Array(f);
  const u = new Float64Array(f);
  for (let i = 0; i < n; i++) {
    matVecT(wg, x, i * c, f, c, g, 0);
    matVecT(wu, x, i * c, f, c, u, 0);
    for (let j = 0; j < f; j++) g[j] = (g[j] / (1 + Math.exp(-g[j]))) * u[j];
    matVecT(wd, g, 0, c, f, out, i * c);
  }
  return out;
}

/** q (B, H, T, D), k/v (B, KV, S, D); query i at position offset+i. */
export function attention64(q: Arr, k: Arr, v: Arr, [b, h, t, d]: number[], kv: number, s: number, offset: number): Arr {
  const out = new Float64Array(q.length);
  const g = h / kv;
  const w = new Float64Array(s);
  for (let bi = 0; bi < b; bi++) {
    for (let hi = 0; hi < h; hi++) {
      const kvh = Math.floor(hi / g);
      for (let i = 0; i < t; i++) {
        const qo = ((bi * h + hi) * t + i) * d;
        let max = -Infinity;
        const visible = offset + i;
        for (let j = 0; j <= visible; j++) {
          const ko = ((bi * kv + kvh) * s + j) * d;
          let dot = 0;
          for (let e = 0; e < d; e++) dot += q[qo + e] * k[ko + e];
          w[j] = dot / Math.sqrt(d);
          max = Math.max(max, w[j]);
        }
        let z = 0;
        for (let j = 0; j <= visible; j++) z += w[j] = Math.exp(w[j] - max);
        for (let j = 0; j <= visible; j++) {
          const vo = ((bi * kv + kvh) * s + j) * d;
          for (let e = 0; e < d; e++) out[qo + e] += (w[j] / z) * v[vo + e];
        }
      }
    }
  }
  return out;
}

/** mean over kept rows of logsumexp(x_i) - x_i[t_i] */
export function crossEntropy64(x: Arr, targets: Int32Array, v: number, ignore: number): number {
  let total = 0;
  let kept = 0;
  targets.forEach((t, i) => {
    if (t === ignore) return;
    let max = -Infinity;
    for (let j = 0; j < v; j++) max = Math.max(max, x[i * v + j]);
    let z = 0;
    for (let j = 0; j < v; j++) z += Math.exp(x[i * v + j] - max);
    total += max + Math.log(z) - x[i * v + t];
    kept++;
  });
  return total / Math.max(kept, 1);
}

/**
 * d/dx of sum(f(x) * weights) by central differences in float64 (h = 1e-6: truncation and
 * rounding errors both near 1e-10, far below the float32 tolerances used against it).
 */
export function numericGrad(f: (x: Arr) => Arr, x: Arr, weights: Arr, h = 1e-6): Arr {
  const g = new Float64Array(x.length);
  const dot = (y: Arr) => y.reduce((a, yi, i) => a + yi * weights[i], 0);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i];
    x[i] = keep + h;
    const up = dot(f(x));
    x[i] = keep - h;
    const down = dot(f(x));
    x[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** Largest |a - b| / (atol + rtol * |b|); <= 1 means within tolerance. */
export function worstError(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i]));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}
