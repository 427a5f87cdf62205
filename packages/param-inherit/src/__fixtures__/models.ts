// Test helpers: small random source models written as Hugging Face folders (optionally edited so
// that chosen units are provably unused), their logits, and their tensors as plain arrays.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfigInput } from '@tinylm/arch-config';
import { openHfCheckpoint } from '@tinylm/hf-io';
import { LlamaModel, loadHfModel, type SaveDtype, saveHfModel } from '@tinylm/model';

/** A fresh temporary folder and its cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `tinylm-inherit-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Weights as editable arrays (by HF name); `edit` changes them before the folder is written. */
export type Edit = (w: Map<string, { data: Float32Array; shape: number[] }>) => void;

/**
 * Writes a random model of `config` to `dir` (seeded; std 0.2 so logits are far from uniform),
 * after `edit`, in `dtype`; `maxShardSize` shards it.
 */
export async function writeSource(
  dir: string,
  config: LlamaConfigInput,
  options: { seed?: number; std?: number; dtype?: SaveDtype; edit?: Edit; maxShardSize?: number } = {},
): Promise<void> {
  const model = LlamaModel.create({ ...config }, { seed: options.seed ?? 1, std: options.std ?? 0.2 });
  if (options.edit) {
    const w = new Map<string, { data: Float32Array; shape: number[] }>();
    for (const [name, p] of model.params) w.set(name, { data: (await p.data()) as Float32Array, shape: [...p.shape] });
    options.edit(w);
    for (const [name, { data, shape }] of w) model.params.get(name)!.assign(tf.tensor(data, shape));
  }
  await saveHfModel(model, dir, { dtype: options.dtype, maxShardSize: options.maxShardSize });
  model.dispose();
}

/** Logits (flat) of the model in `dir` for one sequence of ids. */
export async function logitsOf(dir: string, ids: number[]): Promise<Float32Array> {
  const m = await loadHfModel(dir);
  const t = tf.tensor2d([ids], [1, ids.length], 'int32');
  const out = m.forward(t);
  const data = (await out.data()) as Float32Array;
  tf.dispose([t, out]);
  m.dispose();
  return data;
}

/** Every tensor of the folder as float32, by name. */
export async function tensorsOf(dir: string): Promise<Map<string, { data: Float32Array; shape: number[] }>> {
  const ck = await openHfCheckpoint(dir);
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const t of ck.tensors) out.set(t.name, { data: await ck.readTensorAsFloat32(t.name), shape: [...t.shape] });
  await ck.close();
  return out;
}

/** Rows `rows` and columns `cols` (null = all) of a 2-D (or 1-D: rows only) array. */
export function slice(t: { data: Float32Array; shape: number[] }, rows: number[] | null, cols: number[] | null): Float32Array {
  const [n, k = 1] = t.shape;
  const rs = rows ?? Array.from({ length: n }, (_, i) => i);
  const cs = cols ?? Array.from({ length: k }, (_, i) => i);
  const out = new Float32Array(rs.length * cs.length);
  rs.forEach((r, i) => cs.forEach((c, j) => (out[i * cs.length + j] = t.data[r * k + c])));
  return out;
}

/** Largest |a - b|. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Rows [u*size, (u+1)*size) for each unit u. */
export function expand(units: readonly number[], size: number): number[] {
  return units.flatMap((u) => Array.from({ length: size }, (_, i) => u * size + i));
}

/** Pseudo-random byte-level token ids (a fixed LCG), for calibration in tests. */
export function pseudoTokens(n: number, vocab: number, seed = 7): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % vocab;
  });
}
