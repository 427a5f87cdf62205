// Writes the target Hugging Face folder from a plan, one tensor at a time: every target tensor is
// a TensorSource whose producer reads only the kept rows of its source tensor (in chunks), picks
// the kept columns, and hands the bytes to hf-io's writer, which calls producers one at a time.
// Peak memory: one output tensor plus one input chunk. When nothing needs converting or scaling,
// bytes are copied as stored (F32 / F16 / BF16 stay bit-exact); mask values (learned) and dtype
// changes go through float32. The folder is written atomically by writeHfFolder.
import { toHfConfig } from '@tinylm/arch-config';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  atomicWriteFile,
  copyTokenizerFiles,
  type Dtype,
  dtypeByteSize,
  type HfCheckpoint,
  type TensorSource,
  withTempDir,
  writeHfJson,
  writeSafetensorsShards,
  type WrittenShards,
} from '@tinylm/hf-io';
import { EMBED, FINAL_NORM, LM_HEAD, layerName, paramSpecs } from '@tinylm/model';
import type { InheritPlan } from './plan';
import { readRowChunks, type RowChunk, runsOf, toFloat32 } from './row-reader';

/** Where the weights are read from: a checkpoint (streamed) or float32 arrays in memory. */
export interface WeightSource {
  info(name: string): { readonly dtype: Dtype; readonly shape: readonly number[] };
  /** Rows of `name` (ascending, null = all) in chunks of packed rows, as raw little-endian bytes of `info(name).dtype`. */
  rowChunks(name: string, rows: readonly number[] | null): AsyncGenerator<RowChunk<Uint8Array>>;
}

/** A WeightSource over a checkpoint; `onRead` counts the bytes read. */
export function checkpointWeights(ck: HfCheckpoint, onRead?: (bytes: number) => void): WeightSource {
  return {
    info: (name) => ck.info(name),
    async *rowChunks(name, rows) {
      for await (const chunk of readRowChunks(ck, name, rows)) {
        onRead?.(chunk.data.byteLength);
        yield chunk;
      }
    },
  };
}

/** A WeightSource over float32 arrays (e.g. weights trained together with the masks). */
export function memoryWeights(tensors: ReadonlyMap<string, { data: Float32Array; shape: readonly number[] }>): WeightSource {
  const get = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`memoryWeights: no tensor ${name}`);
    return t;
  };
  return {
    info: (name) => ({ dtype: 'F32', shape: get(name).shape }),
    async *rowChunks(name, rows) {
      const t = get(name);
      const k = t.shape.slice(1).reduce((x, y) => x * y, 1);
      for (const [a, b] of rows === null ? [[0, t.shape[0]] as [number, number]] : runsOf(rows)) {
        const run = t.data.subarray(a * k, b * k);
        yield { rows: Array.from({ length: b - a }, (_, i) => a + i), data: new Uint8Array(run.buffer, run.byteOffset, run.byteLength) };
      }
    },
  };
}

/** Options of `writeInherited`. */
export interface WriteInheritedOptions {
  /** Output dtype; default: each tensor keeps its source dtype. */
  dtype?: 'F32' | 'F16' | 'BF16';
  /** Copy tokenizer files from this folder. */
  tokenizerDir?: string;
  maxShardSize?: string | number;
  force?: boolean;
  /** Called after the weights are written: more files for the folder (e.g. inherit-report.json). */
  finish?: (weights: WrittenShards) => Record<string, string> | Promise<Record<string, string>>;
  /** Called after each tensor is produced. */
  onTensor?: (name: string, index: number, total: number) => void;
}

const expand = (units: readonly number[], size: number) => units.flatMap((u) => Array.from({ length: size }, (_, i) => u * size + i));
const isAll = (sel: readonly number[], n: number) => sel.length === n && sel.every((v, i) => v === i);
const expandScale = (s: readonly number[] | undefined, size: number) => (s ? s.flatMap((v) => Array<number>(size).fill(v)) : undefined);

/** How one target tensor is cut from one source tensor. */
interface Cut {
  source: string;
  rows: readonly number[] | null;
  cols: readonly number[] | null;
  rowScale?: readonly number[];
  colScale?: readonly number[];
  scalar?: number;
}

/** The cut of every target tensor, by target name. */
export function planCuts(plan: InheritPlan, headTensor: string): Map<string, Cut> {
  const { source: c, target: t, scales } = plan;
  const d = c.hiddenSize / c.numHeads;
  const hidden = isAll(plan.hidden, c.hiddenSize) ? null : plan.hidden;
  const vocab = plan.vocab ? Array.from(plan.vocab) : null;
  const hs = scales?.hidden;
  const norm = scales?.norm;
  const cuts = new Map<string, Cut>();
  cuts.set(EMBED, { source: EMBED, rows: vocab, cols: hidden, colScale: hs });
  plan.layers.forEach((lp, i) => {
    const s = (leaf: string) => layerName(lp.source, leaf);
    const heads = isAll(lp.heads, c.numHeads) ? null : expand(lp.heads, d);
    const kv = isAll(lp.kvHeads, c.numKvHeads) ? null : expand(lp.kvHeads, d);
    const ffn = isAll(lp.ffn, c.intermediateSize) ? null : lp.ffn;
    const layerScale = scales?.layer?.[i];
    const headScale = expandScale(scales?.heads?.[i], d);
    const ffnScale = scales?.ffn?.[i];
    const set = (leaf: string, cut: Omit<Cut, 'source'>) => cuts.set(layerName(i, leaf), { source: s(leaf), ...cut });
    set('self_attn.q_proj.weight', { rows: heads, cols: hidden });
    set('self_attn.k_proj.weight', { rows: kv, cols: hidden });
    set('self_attn.v_proj.weight', { rows: kv, cols: hidden });
    set('self_attn.o_proj.weight', { rows: hidden, cols: heads, rowScale: hs, colScale: headScale, scalar: layerScale });
    set('mlp.gate_proj.weight', { rows: ffn, cols: hidden });
    set('mlp.up_proj.weight', { rows: ffn, cols: hidden });
    set('mlp.down_proj.weight', { rows: hidden, cols: ffn, rowScale: hs, colScale: ffnScale, scalar: layerScale });
    set('input_layernorm.weight', { rows: hidden, cols: null, scalar: norm });
    set('post_attention_layernorm.weight', { rows: hidden, cols: null, scalar: norm });
  });
  cuts.set(FINAL_NORM, { source: FINAL_NORM, rows: hidden, cols: null, scalar: norm });
  if (!t.tieWordEmbeddings) cuts.set(LM_HEAD, { source: headTensor, rows: vocab, cols: hidden });
  return cuts;
}

/** Produces one target tensor: raw bytes when copied as stored, else float32. */
async function produce(w: WeightSource, cut: Cut, outDtype: Dtype): Promise<Uint8Array | Float32Array> {
  const info = w.info(cut.source);
  const k = info.shape.slice(1).reduce((x, y) => x * y, 1);
  const nRows = cut.rows ? cut.rows.length : info.shape[0];
  const cols = cut.cols ? Int32Array.from(cut.cols) : null;
  const kOut = cols ? cols.length : k;
  const scaled = cut.rowScale !== undefined || cut.colScale !== undefined || (cut.scalar !== undefined && cut.scalar !== 1);
  let r = 0; // output row
  if (!scaled && outDtype === info.dtype) {
    const size = dtypeByteSize(info.dtype);
    const out = new Uint8Array(nRows * kOut * size);
    const view = (b: Uint8Array) =>
      size === 2 ? new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2) : new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
    const o = view(out);
    for await (const chunk of w.rowChunks(cut.source, cut.rows)) {
      if (!cols) {
        out.set(chunk.data, r * kOut * size);
        r += chunk.rows.length;
        continue;
      }
      const x = view(chunk.data);
      for (let i = 0; i < chunk.rows.length; i++, r++) {
        const base = i * k;
        const ob = r * kOut;
        for (let j = 0; j < kOut; j++) o[ob + j] = x[base + cols[j]];
      }
    }
    return out;
  }
  const out = new Float32Array(nRows * kOut);
  const scalar = cut.scalar ?? 1;
  const colScale = cut.colScale ? Float32Array.from(cut.colScale) : null;
  for await (const chunk of w.rowChunks(cut.source, cut.rows)) {
    const x = toFloat32(chunk.data, info.dtype);
    for (let i = 0; i < chunk.rows.length; i++, r++) {
      const base = i * k;
      const ob = r * kOut;
      const rs = scalar * (cut.rowScale ? cut.rowScale[r] : 1);
      for (let j = 0; j < kOut; j++) {
        const v = x[base + (cols ? cols[j] : j)];
        out[ob + j] = colScale ? v * rs * colScale[j] : v * rs;
      }
    }
  }
  return out;
}

/** What `writeInherited` wrote. */
export interface WrittenInherited {
  readonly dir: string;
  /** Every file in the folder, sorted. */
  readonly files: readonly string[];
  readonly weights: WrittenShards;
}

/**
 * Writes `plan` as a Hugging Face LLaMA folder at `out` (config.json, generation_config.json,
 * weights as one file or shards, tokenizer files, then the files `finish` returns), atomically:
 * everything goes to a temporary sibling renamed at the end, so on any error neither `out` nor a
 * temporary folder is left behind.
 */
export async function writeInherited(
  w: WeightSource,
  plan: InheritPlan,
  headTensor: string,
  out: string,
  o: WriteInheritedOptions = {},
): Promise<WrittenInherited> {
  const cuts = planCuts(plan, headTensor);
  const specs = paramSpecs(plan.target);
  const tensors: TensorSource[] = specs.map((spec, index) => {
    const cut = cuts.get(spec.name)!;
    const dtype = o.dtype ?? w.info(cut.source).dtype;
    return {
      name: spec.name,
      dtype,
      shape: spec.shape,
      data: async () => {
        const data = await produce(w, cut, dtype);
        o.onTensor?.(spec.name, index, specs.length);
        return data;
      },
    };
  });
  const t = plan.target;
  const torchDtype = ({ F32: 'float32', F16: 'float16', BF16: 'bfloat16' } as const)[
    (o.dtype ?? w.info(EMBED).dtype) as 'F32' | 'F16' | 'BF16'
  ];
  const weights = await withTempDir(
    out,
    async (temp) => {
      if (o.tokenizerDir !== undefined) await copyTokenizerFiles(o.tokenizerDir, temp);
      await writeHfJson(temp, 'config', toHfConfig(t, { torchDtype }));
      await writeHfJson(temp, 'generationConfig', {
        _from_model_config: true,
        bos_token_id: t.bosTokenId,
        eos_token_id: t.eosTokenId,
        pad_token_id: t.padTokenId,
      });
      const written = await writeSafetensorsShards(temp, tensors, { maxShardSize: o.maxShardSize });
      const extra = o.finish ? await o.finish(written) : {};
      for (const [name, text] of Object.entries(extra)) await atomicWriteFile(join(temp, name), text);
      return written;
    },
    { force: o.force },
  );
  return { dir: out, files: (await readdir(out)).sort(), weights };
}
