// The WGSL shape of every program of the compiled WebGPU training step: storage bindings in a
// fixed order (binding i = bindings[i]), sizes baked in as constants (one pipeline per shape,
// built once), and a linear workgroup index so that grids wider than 65,535 workgroups fold
// into a second dimension. No uniforms: what changes per step lives in small storage buffers.

export type ScalarType = 'f32' | 'i32' | 'u32';

export interface BindingSpec {
  name: string;
  type?: ScalarType;
  /** read_write; default read-only. */
  write?: boolean;
}

/** One compute program and the grid it runs on. */
export interface Kernel {
  /** For error messages and profiles, e.g. "matmul 1024x768x256 nt". */
  label: string;
  code: string;
  /** Binding names in binding order. */
  bindings: string[];
  workgroups: [number, number, number];
}

/** Folds `count` workgroups into (x, y) with x at most `maxPerDimension`. */
export function grid(count: number, maxPerDimension = 65535): [number, number, number] {
  if (count <= maxPerDimension) return [Math.max(count, 1), 1, 1];
  const y = Math.ceil(count / maxPerDimension);
  return [Math.ceil(count / y), y, 1];
}

export interface KernelSource {
  label: string;
  bindings: BindingSpec[];
  workgroupSize: number | [number, number];
  /** Module-scope declarations: constants, workgroup arrays, helper functions. */
  decls?: string;
  /** The body of main; `wg` (linear workgroup index), `lid`, `lx` (lid.x) and `wid` are in scope. */
  body: string;
  workgroups: [number, number, number];
}

export function kernel(src: KernelSource): Kernel {
  const [sx, sy] = typeof src.workgroupSize === 'number' ? [src.workgroupSize, 1] : src.workgroupSize;
  const bindings = src.bindings
    .map((b, i) => `@group(0) @binding(${i}) var<storage, ${b.write ? 'read_write' : 'read'}> ${b.name} : array<${b.type ?? 'f32'}>;`)
    .join('\n');
  const code = `${bindings}
${src.decls ?? ''}
@compute @workgroup_size(${sx}, ${sy}, 1)
fn main(@builtin(local_invocation_id) lid : vec3<u32>, @builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
  let wg = i32(wid.y * nwg.x + wid.x);
  let lx = i32(lid.x);
${src.body}
}
`;
  return { label: src.label, code, bindings: src.bindings.map((b) => b.name), workgroups: src.workgroups };
}

/** A WGSL f32 literal (always with a decimal point or exponent). */
export function f32(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`f32: ${x} is not finite`);
  const s = Math.fround(x).toPrecision(9);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** WGSL for "x is not finite" on the bit pattern (WGSL may assume no NaN in float comparisons). */
export const NOT_FINITE = 'fn notFinite(x : f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u; }';

/**
 * A workgroup tree reduction of `red[0..n)` (n a power of two) into red[0]; every invocation
 * of the workgroup must reach it (it holds barriers). Same order every run: deterministic.
 */
export function treeReduce(n: number, array = 'red', op: 'sum' | 'max' = 'sum'): string {
  const combine = op === 'sum' ? `${array}[lx] + ${array}[lx + s]` : `max(${array}[lx], ${array}[lx + s])`;
  return `
  workgroupBarrier();
  for (var s = ${n / 2}; s > 0; s = s / 2) {
    if (lx < s) { ${array}[lx] = ${combine}; }
    workgroupBarrier();
  }`;
}
