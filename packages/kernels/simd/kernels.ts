// The blas backend's elementwise and row kernels, in AssemblyScript compiled to WebAssembly with
// 128-bit SIMD (f32x4): V8 runs plain JavaScript float loops unvectorised, 3-10x slower than
// this. Every pointer is a byte offset into this module's own memory: the JavaScript side
// (src/kernels/simd/) copies tiles of tensors in and out, so tensors themselves live outside the
// 4 GiB wasm heap. Built by simd/build.mjs into src/kernels/simd/kernels-wasm.ts; a test checks
// that the committed module is this source's.
// Math references: exp as Cephes' expf (range reduction by ln 2 in two parts, degree-6
// polynomial, ~1 ulp); the ops as documented in src/kernels/names.ts.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const MAGIC: f32 = 12582912.0; // 1.5 * 2^23
const MAGIC_BITS: i32 = 0x4b400000;

/** First byte the JavaScript side may use for its tiles. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

// @ts-ignore: decorator
@inline function expv(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.33654)), f32x4.splat(88.72283));
  // k = nearest(x log2 e) by the 1.5 * 2^23 trick: the sum's low mantissa bits are k itself
  // (cheaper than f32x4.nearest plus i32x4.trunc_sat_f32x4_s, a long sequence on x64)
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(MAGIC));
  const k = f32x4.sub(t, f32x4.splat(MAGIC));
  let f = f32x4.sub(x, f32x4.mul(k, f32x4.splat(LN2_HI)));
  f = f32x4.sub(f, f32x4.mul(k, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(f, f)), f), f32x4.splat(1.0));
  // 2^k through the exponent bits; k is in [-126, 128] after the clamp, 2^128 overflows to inf
  const big = f32x4.gt(k, f32x4.splat(127.0)); // all ones (-1) where k = 128: build 2^127, then double
  const ki = i32x4.add(i32x4.sub(t, i32x4.splat(MAGIC_BITS)), big);
  const scale = i32x4.shl(i32x4.add(ki, i32x4.splat(127)), 23);
  const r = f32x4.mul(p, scale);
  return v128.bitselect(f32x4.mul(r, f32x4.splat(2.0)), r, big);
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// @ts-ignore: decorator
@inline function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

// @ts-ignore: decorator
@inline function exps(x: f32): f32 {
  return f32x4.extract_lane(expv(f32x4.splat(x)), 0);
}

// ---- elementwise, n entries ----

/** op 0: a + b, 1: a - b, 2: a * b. */
export function binary(op: i32, a: usize, b: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const av = v128.load(a + o);
    const bv = v128.load(b + o);
    v128.store(y + o, op == 0 ? f32x4.add(av, bv) : op == 1 ? f32x4.sub(av, bv) : f32x4.mul(av, bv));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const av = load<f32>(a + o);
    const bv = load<f32>(b + o);
    store<f32>(y + o, op == 0 ? av + bv : op == 1 ? av - bv : av * bv);
  }
}

/** op 0: a + s, 1: a - s, 2: a * s, 3: s - a. */
export function binaryScalar(op: i32, a: usize, s: f32, y: usize, n: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const av = v128.load(a + o);
    v128.store(y + o, op == 0 ? f32x4.add(av, sv) : op == 1 ? f32x4.sub(av, sv) : op == 2 ? f32x4.mul(av, sv) : f32x4.sub(sv, av));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const av = load<f32>(a + o);
    store<f32>(y + o, op == 0 ? av + s : op == 1 ? av - s : op == 2 ? av * s : s - av);
  }
}

/** y = silu(g) * u. */
export function swigluFwd(g: usize, u: usize, y: usize, n: i32): void {
  const one = f32x4.splat(1.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gv = v128.load(g + o);
    const s = f32x4.div(one, f32x4.add(one, expv(f32x4.neg(gv))));
    v128.store(y + o, f32x4.mul(f32x4.mul(gv, s), v128.load(u + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    store<f32>(y + o, (gi / (1 + exps(-gi))) * load<f32>(u + o));
  }
}

/** dg = dy u s (1 + g (1 - s)), du = dy silu(g), s = sigmoid(g). */
export function swigluBwd(g: usize, u: usize, dy: usize, dg: usize, du: usize, n: i32): void {
  const one = f32x4.splat(1.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gv = v128.load(g + o);
    const d = v128.load(dy + o);
    const s = f32x4.div(one, f32x4.add(one, expv(f32x4.neg(gv))));
    const ds = f32x4.mul(s, f32x4.add(one, f32x4.mul(gv, f32x4.sub(one, s))));
    v128.store(dg + o, f32x4.mul(f32x4.mul(d, v128.load(u + o)), ds));
    v128.store(du + o, f32x4.mul(d, f32x4.mul(gv, s)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const d = load<f32>(dy + o);
    const s: f32 = 1 / (1 + exps(-gi));
    store<f32>(dg + o, d * load<f32>(u + o) * s * (1 + gi * (1 - s)));
    store<f32>(du + o, d * gi * s);
  }
}

/**
 * One AdamW step (torch.optim.AdamW) with the gradient scaled first:
 * g *= scale; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p = p keep - step m / (sqrt(v) / rootBc2 + eps).
 */
export function adamw(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  scale: f32, b1: f32, b2: f32, eps: f32, keep: f32, step: f32, rootBc2: f32,
): void {
  const sc = f32x4.splat(scale);
  const b1v = f32x4.splat(b1);
  const b2v = f32x4.splat(b2);
  const c1 = f32x4.splat(1 - b1);
  const c2 = f32x4.splat(1 - b2);
  const epsv = f32x4.splat(eps);
  const keepv = f32x4.splat(keep);
  const stepv = f32x4.splat(step);
  const rb = f32x4.splat(rootBc2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gv = f32x4.mul(v128.load(g + o), sc);
    const mv = f32x4.add(f32x4.mul(b1v, v128.load(m + o)), f32x4.mul(c1, gv));
    const vv = f32x4.add(f32x4.mul(b2v, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), rb), epsv);
    v128.store(p + o, f32x4.sub(f32x4.mul(v128.load(p + o), keepv), f32x4.div(f32x4.mul(stepv, mv), denom)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o) * scale;
    const mi = b1 * load<f32>(m + o) + (1 - b1) * gi;
    const vi = b2 * load<f32>(v + o) + (1 - b2) * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) * keep - (step * mi) / (Mathf.sqrt(vi) / rootBc2 + eps));
  }
}

/** Sum of squares of n entries (float32 lanes, summed in float64 at the end). */
export function sumSquares(x: usize, n: i32): f64 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const xv = v128.load(x + (<usize>i << 2));
    acc = f32x4.add(acc, f32x4.mul(xv, xv));
  }
  let s: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; i < n; i++) {
    const xi = load<f32>(x + (<usize>i << 2));
    s += <f64>(xi * xi);
  }
  return s;
}

// ---- rows of width c ----

/** RMSNorm forward: y = x r w, rstd = r = 1 / sqrt(mean(x^2) + eps). */
export function rmsNormFwd(x: usize, w: usize, y: usize, rstd: usize, rows: i32, c: i32, eps: f32): void {
  const c4 = c & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * c) << 2);
    const yr = y + (<usize>(r * c) << 2);
    let acc = f32x4.splat(0);
    for (let j = 0; j < c4; j += 4) {
      const xv = v128.load(xr + (<usize>j << 2));
      acc = f32x4.add(acc, f32x4.mul(xv, xv));
    }
    let ss = hsum(acc);
    for (let j = c4; j < c; j++) ss += load<f32>(xr + (<usize>j << 2)) * load<f32>(xr + (<usize>j << 2));
    const inv: f32 = 1 / Mathf.sqrt(ss / <f32>c + eps);
    store<f32>(rstd + (<usize>r << 2), inv);
    const iv = f32x4.splat(inv);
    for (let j = 0; j < c4; j += 4) {
      const o = <usize>j << 2;
      v128.store(yr + o, f32x4.mul(f32x4.mul(v128.load(xr + o), iv), v128.load(w + o)));
    }
    for (let j = c4; j < c; j++) store<f32>(yr + (<usize>j << 2), load<f32>(xr + (<usize>j << 2)) * inv * load<f32>(w + (<usize>j << 2)));
  }
}

/** RMSNorm backward: dx = r (dy w - xhat mean(dy w xhat)); dw += dy xhat (dw is accumulated). */
export function rmsNormBwd(x: usize, w: usize, rstd: usize, dy: usize, dx: usize, dw: usize, rows: i32, c: i32): void {
  const c4 = c & ~3;
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * c) << 2;
    const xr = x + off;
    const dyr = dy + off;
    const dxr = dx + off;
    const inv = load<f32>(rstd + (<usize>r << 2));
    let acc = f32x4.splat(0);
    for (let j = 0; j < c4; j += 4) {
      const o = <usize>j << 2;
      acc = f32x4.add(acc, f32x4.mul(f32x4.mul(v128.load(dyr + o), v128.load(w + o)), v128.load(xr + o)));
    }
    let dot = hsum(acc);
    for (let j = c4; j < c; j++) {
      const o = <usize>j << 2;
      dot += load<f32>(dyr + o) * load<f32>(w + o) * load<f32>(xr + o);
    }
    dot = (dot * inv) / <f32>c;
    const iv = f32x4.splat(inv);
    const dv = f32x4.splat(dot);
    for (let j = 0; j < c4; j += 4) {
      const o = <usize>j << 2;
      const xhat = f32x4.mul(v128.load(xr + o), iv);
      const d = v128.load(dyr + o);
      v128.store(dxr + o, f32x4.mul(iv, f32x4.sub(f32x4.mul(d, v128.load(w + o)), f32x4.mul(xhat, dv))));
      v128.store(dw + o, f32x4.add(v128.load(dw + o), f32x4.mul(d, xhat)));
    }
    for (let j = c4; j < c; j++) {
      const o = <usize>j << 2;
      const xhat = load<f32>(xr + o) * inv;
      const d = load<f32>(dyr + o);
      store<f32>(dxr + o, inv * (d * load<f32>(w + o) - xhat * dot));
      store<f32>(dw + o, load<f32>(dw + o) + d * xhat);
    }
  }
}

/**
 * Half-split rotary on rows of width d; row r (counted from firstRow) is at position
 * (floor(r / perPos) mod t) of the cos/sin tables (T, D): perPos 1 for (B, H, T, D) rows, H for
 * (B, T, H, D). sign -1 rotates back (the gradient).
 */
export function rotary(x: usize, cos: usize, sin: usize, y: usize, rows: i32, firstRow: i32, perPos: i32, t: i32, d: i32, sign: f32): void {
  const half = d >> 1;
  const h4 = half & ~3;
  const sg = f32x4.splat(sign);
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * d) << 2);
    const yr = y + (<usize>(r * d) << 2);
    const pr = <usize>((((firstRow + r) / perPos) % t) * d) << 2;
    const hb = <usize>half << 2;
    for (let i = 0; i < h4; i += 4) {
      const o = <usize>i << 2;
      const x1 = v128.load(xr + o);
      const x2 = v128.load(xr + hb + o);
      const c = v128.load(cos + pr + o);
      const s = f32x4.mul(sg, v128.load(sin + pr + o));
      v128.store(yr + o, f32x4.sub(f32x4.mul(x1, c), f32x4.mul(x2, s)));
      v128.store(yr + hb + o, f32x4.add(f32x4.mul(x2, c), f32x4.mul(x1, s)));
    }
    for (let i = h4; i < half; i++) {
      const o = <usize>i << 2;
      const x1 = load<f32>(xr + o);
      const x2 = load<f32>(xr + hb + o);
      const c = load<f32>(cos + pr + o);
      const s = sign * load<f32>(sin + pr + o);
      store<f32>(yr + o, x1 * c - x2 * s);
      store<f32>(yr + hb + o, x2 * c + x1 * s);
    }
  }
}

// @ts-ignore: decorator
@inline function rowMax(p: usize, n: i32): f32 {
  const n4 = n & ~3;
  let mv = f32x4.splat(-Infinity);
  for (let j = 0; j < n4; j += 4) mv = f32x4.max(mv, v128.load(p + (<usize>j << 2)));
  let m = hmax(mv);
  for (let j = n4; j < n; j++) m = max(m, load<f32>(p + (<usize>j << 2)));
  return m;
}

/** Sum of exp(p_j - shift) over n entries; writes them back when keep is true. */
// @ts-ignore: decorator
@inline function rowExpSum(p: usize, n: i32, shift: f32, keep: bool): f32 {
  const n4 = n & ~3;
  const sv = f32x4.splat(shift);
  let acc = f32x4.splat(0);
  for (let j = 0; j < n4; j += 4) {
    const o = <usize>j << 2;
    const e = expv(f32x4.sub(v128.load(p + o), sv));
    if (keep) v128.store(p + o, e);
    acc = f32x4.add(acc, e);
  }
  let s = hsum(acc);
  for (let j = n4; j < n; j++) {
    const o = <usize>j << 2;
    const e = exps(load<f32>(p + o) - shift);
    if (keep) store<f32>(p + o, e);
    s += e;
  }
  return s;
}

/** Cross-entropy rows: lse = logsumexp(row), loss = lse - row[target] (0 when ignored, NaN when out of range). */
export function xentFwd(logits: usize, targets: usize, loss: usize, lse: usize, rows: i32, v: i32, ignore: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = logits + (<usize>r * <usize>v << 2);
    const m = rowMax(row, v);
    const l = m + Mathf.log(rowExpSum(row, v, m, false));
    store<f32>(lse + (<usize>r << 2), l);
    const t = load<i32>(targets + (<usize>r << 2));
    store<f32>(loss + (<usize>r << 2), t == ignore ? 0 : t < 0 || t >= v ? NaN : l - load<f32>(row + (<usize>t << 2)));
  }
}

/** Cross-entropy gradient rows: out = (softmax(row) - onehot(target)) dy (0 rows for ignored targets). */
export function xentBwd(logits: usize, targets: usize, lse: usize, dy: usize, out: usize, rows: i32, v: i32, ignore: i32): void {
  const v4 = v & ~3;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * <usize>v << 2;
    const t = load<i32>(targets + (<usize>r << 2));
    if (t == ignore) {
      memory.fill(out + off, 0, <usize>v << 2);
      continue;
    }
    const g = load<f32>(dy + (<usize>r << 2));
    const l = load<f32>(lse + (<usize>r << 2));
    const lv = f32x4.splat(l);
    const gv = f32x4.splat(g);
    for (let j = 0; j < v4; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + off + o, f32x4.mul(expv(f32x4.sub(v128.load(logits + off + o), lv)), gv));
    }
    for (let j = v4; j < v; j++) {
      const o = <usize>j << 2;
      store<f32>(out + off + o, exps(load<f32>(logits + off + o) - l) * g);
    }
    if (t >= 0 && t < v) store<f32>(out + off + (<usize>t << 2), load<f32>(out + off + (<usize>t << 2)) - g);
  }
}

// ---- attention score blocks (T, S): row i sees keys j <= offset + i ----

/** In place: scores -> causal softmax probabilities (0 beyond the causal limit); lse out (T). */
export function softmaxCausal(s: usize, lse: usize, t: i32, cols: i32, offset: i32): void {
  for (let i = 0; i < t; i++) {
    const row = s + (<usize>i * <usize>cols << 2);
    const n = min(offset + i + 1, cols);
    const m = rowMax(row, n);
    const sum = rowExpSum(row, n, m, true);
    const inv = f32x4.splat(1 / sum);
    const n4 = n & ~3;
    for (let j = 0; j < n4; j += 4) v128.store(row + (<usize>j << 2), f32x4.mul(v128.load(row + (<usize>j << 2)), inv));
    for (let j = n4; j < n; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) / sum);
    if (n < cols) memory.fill(row + (<usize>n << 2), 0, <usize>(cols - n) << 2);
    store<f32>(lse + (<usize>i << 2), m + Mathf.log(sum));
  }
}

/** In place: scores -> probabilities exp(s - lse) (0 beyond the causal limit). */
export function probsFromLse(s: usize, lse: usize, t: i32, cols: i32, offset: i32): void {
  for (let i = 0; i < t; i++) {
    const row = s + (<usize>i * <usize>cols << 2);
    const n = min(offset + i + 1, cols);
    rowExpSum(row, n, load<f32>(lse + (<usize>i << 2)), true);
    if (n < cols) memory.fill(row + (<usize>n << 2), 0, <usize>(cols - n) << 2);
  }
}

/** In place: dp -> dS = p (dp - rowsum(dO * O)) with dO, O (T, D). */
export function attnDScores(p: usize, dp: usize, dout: usize, out: usize, t: i32, cols: i32, d: i32, offset: i32): void {
  const d4 = d & ~3;
  for (let i = 0; i < t; i++) {
    const ro = <usize>i * <usize>d << 2;
    let acc = f32x4.splat(0);
    for (let c = 0; c < d4; c += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(dout + ro + (<usize>c << 2)), v128.load(out + ro + (<usize>c << 2))));
    let dot = hsum(acc);
    for (let c = d4; c < d; c++) dot += load<f32>(dout + ro + (<usize>c << 2)) * load<f32>(out + ro + (<usize>c << 2));
    const rs = <usize>i * <usize>cols << 2;
    const n = min(offset + i + 1, cols);
    const n4 = n & ~3;
    const dv = f32x4.splat(dot);
    for (let j = 0; j < n4; j += 4) {
      const o = rs + (<usize>j << 2);
      v128.store(dp + o, f32x4.mul(v128.load(p + o), f32x4.sub(v128.load(dp + o), dv)));
    }
    for (let j = n4; j < n; j++) {
      const o = rs + (<usize>j << 2);
      store<f32>(dp + o, load<f32>(p + o) * (load<f32>(dp + o) - dot));
    }
    if (n < cols) memory.fill(dp + rs + (<usize>n << 2), 0, <usize>(cols - n) << 2);
  }
}
