// InternEvo checkpoints (`model_tp{t}_pp{p}.pt`, one torch.save'd state dict per tensor- and
// pipeline-parallel rank) read as one Hugging Face LLaMA model, in TypeScript, without PyTorch.
//
// What is followed, from InternEvo's own source (github.com/InternLM/InternEvo):
// - File names and grid: internlm/utils/model_checkpoint.py `save_model_checkpoint`
//   (`model_tp{tp_rank}_pp{pp_rank}.pt`; the isp `_wp` and fsdp `_dp` variants are refused).
// - Pipeline merge: tools/transformers/convert2hf.py `merge_pp`: each stage numbers its layers from
//   0; stage p's layers are shifted by the layer count of stages 0..p-1; a leading `model.` is
//   dropped. The embedding lives in the first stage, the final norm and head in the last.
// - Tensor-parallel splits: column-parallel linears (wq/wk/wv, Wqkv, w1 and the up projection, the
//   head) are split along the output dimension (dim 0), row-parallel ones (wo/out_proj, the down
//   projection) along the input dimension (dim 1); norms and rotary buffers are replicated.
//   `Embedding1D` (internlm/model/modules/embedding.py) splits the embedding along the hidden
//   dimension (embed_split_hidden=True, the authors' configs/LLM1B.py), `ParallelGPT2Embeddings`
//   (`...word_embeddings.weight`) along the vocabulary. Row-parallel biases exist on rank 0 only
//   (flash-attn's RowParallelLinear, which InternEvo's row-parallel linears build on), so the
//   merged bias is the sum of the ranks that have one. See also tools/convert_ckpt_parallel.py
//   `model_tp_merge` (concatenation along each parameter's tp_dim).
// - LLAMA2 keys (the model type of the PanGu-π Pro release, configs/LLM1B.py): internlm/model/
//   modeling_llama.py `PackedFlashLlama1D` / `MHA`: tok_embeddings, layers.{i}.attention.wq/wk/wv/wo,
//   layers.{i}.feed_forward.w1/w2/w3, attention_norm, ffn_norm, norm, output. The newer
//   `Llama2` class may fuse `attention.wqkv` (internlm/model/modules/mha.py
//   `split_fused_wqkv_weight`: rows [q; k; v] in that order per rank).
// - Rotary layout (LLAMA2): with `adapt_hf=False` (the old default, and LLM1B.py's) MHA de-
//   interleaves q and k at run time (`torch.cat([q[..., ::2], q[..., 1::2]], dim=-1)`) before a
//   half-split rotary, i.e. wq/wk rows are in the interleaved (Meta) layout and are permuted to
//   Hugging Face's; newer InternEvo names the same choice `qk_interleaved`.
// - MLP: the old FeedForward computes w3(silu(w1 x) * w2 x) (w2 = up, w3 = down, see
//   model_checkpoint.py `load_llama_pretrained_weights`: "LLAMA's w2 and w3 are in reverse
//   order"); the newer one w2(silu(w1 x) * w3 x) (internlm/model/modules/mlp.py). The up and down
//   projections have transposed shapes, so which is which is read from the shapes.
// - InternLM keys: internlm/model/modeling_internlm.py and tools/transformers/convert2hf.py:
//   embedding(.word_embeddings).weight, blocks.{i}.mixer.Wqkv (rows [q; k; v], each
//   `(heads, head_dim)`, per tensor-parallel rank), mixer.out_proj, mlp.w1/w2/w3, norm1, norm2,
//   norm, head; q/k are in the half-split layout already (flash-attn rotary, interleaved=False).

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ffnFromMlpRatio, type LlamaConfig, resolveConfig } from '@tinylm/arch-config';
import type { Dtype } from '@tinylm/hf-io';
import { CheckpointError } from './errors';
import { type InternEvoModelConfig, readInternEvoModelConfig } from './internevo-config';
import { EMBED, FINAL_NORM, LM_HEAD, layerName, permuteRotaryRows } from './llama-params';
import type { ModelSource, SourceTensor } from './model-source';
import { loadTorchFile, stateDictOf, type TorchFile, type TorchTensor } from './torch-checkpoint';
import { parseOptions } from '@tinylm/errors';
import { internEvoOptions } from './options';

/** InternEvo model types this reader converts. */
export type InternEvoModelType = 'LLAMA2' | 'INTERNLM';

/** Options for `readInternEvoCheckpoint`. */
export interface InternEvoOptions {
  /**
   * Model config values in InternEvo's names (`num_attention_heads`, `layer_norm_epsilon`,
   * `rope_base`, ...). They override `model_config.pt` when the folder has one. InternEvo's shards
   * do not record the head count, so `num_attention_heads` must come from one of the two.
   */
  modelConfig?: InternEvoModelConfig;
  /** The model type; default: detected from the state-dict keys. */
  modelType?: InternEvoModelType;
  /**
   * LLAMA2 only: true when wq/wk rows are in the interleaved rotary layout (permuted to Hugging
   * Face's on the way out). Default: from the config (`qk_interleaved`, or `!adapt_hf`), else true,
   * InternEvo's old default that the PanGu-π Pro configs use.
   */
  qkInterleaved?: boolean;
  /** Needed only when the up and down projections have the same shape: which one w2 is. */
  w2?: 'up' | 'down';
  /** `max_position_embeddings` for config.json (InternEvo keeps SEQ_LEN out of the model config); default 2048. */
  maxPositionEmbeddings?: number;
}

/** An InternEvo checkpoint opened by `readInternEvoCheckpoint`. */
export interface InternEvoSource extends ModelSource {
  readonly kind: 'internevo';
  readonly modelType: InternEvoModelType;
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  /** The model config used (model_config.pt merged with `options.modelConfig`). */
  readonly modelConfig: InternEvoModelConfig;
  /** Whether wq/wk were permuted from the interleaved rotary layout. */
  readonly qkInterleaved: boolean;
}

const SHARD = /^model_tp(\d+)_pp(\d+)\.pt$/;
const ROW_BIAS = /\.(attention\.wo|mixer\.out_proj)\.bias$/;

interface Part {
  readonly tensor: TorchTensor;
  readonly file: string;
}

function fail(message: string, extra: { file?: string; tensor?: string; field?: string } = {}): never {
  throw new CheckpointError({ message, ...extra });
}

function listSome(items: readonly string[], max = 8): string {
  return items.length > max ? `${items.slice(0, max).join(', ')}, ... (${items.length} in all)` : items.join(', ');
}

/**
 * Opens an InternEvo checkpoint folder: finds `model_tp*_pp*.pt`, reads `model_config.pt` if
 * present, merges the pipeline stages (layer index shift) and tensor-parallel ranks, maps the keys
 * of the LLAMA2 or InternLM layout to Hugging Face LLaMA names, and checks every shape against the
 * config. Tensors are read on demand. Throws `CheckpointError` for missing shards, unknown keys,
 * and shapes that disagree with the config or with each other (the message names the tensor and
 * its file); `UnsafePickleError` / `ZipFormatError` / `PickleFormatError` for bad files.
 */
export async function readInternEvoCheckpoint(dir: string, options: InternEvoOptions = {}): Promise<InternEvoSource> {
  options = parseOptions(internEvoOptions, options, 'readInternEvoCheckpoint');
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) fail(`${dir} is not a folder`, { file: dir });
    names = (await readdir(dir)).sort();
  } catch (error) {
    if (CheckpointError.isInstance(error)) throw error;
    return fail(`${dir}: cannot read the folder (${(error as Error).message})`, { file: dir });
  }
  const refused = names.filter((n) => /^model_tp\d+_wp\d+_pp\d+\.pt$|^model_tp\d+_pp\d+_dp\d+\.pt$|^model_moe_/.test(n));
  if (refused.length > 0) {
    fail(
      `${dir}: ${listSome(refused)}: weight-parallel (isp), FSDP and MoE checkpoints are not supported; ` +
        'convert them to plain tensor/pipeline parallel shards (model_tp{t}_pp{p}.pt) with InternEvo first',
      { file: dir }
    );
  }
  const shards = names.map((n) => SHARD.exec(n)).filter((m): m is RegExpExecArray => m !== null);
  if (shards.length === 0) {
    fail(`${dir}: no InternEvo model shards (model_tp{t}_pp{p}.pt) found${names.length ? `; files: ${listSome(names)}` : ''}`, { file: dir });
  }
  const tp = Math.max(...shards.map((m) => Number(m[1]))) + 1;
  const pp = Math.max(...shards.map((m) => Number(m[2]))) + 1;
  const missing: string[] = [];
  for (let p = 0; p < pp; p++) for (let t = 0; t < tp; t++) if (!names.includes(`model_tp${t}_pp${p}.pt`)) missing.push(`model_tp${t}_pp${p}.pt`);
  if (missing.length > 0) {
    fail(`${dir}: missing shards ${listSome(missing)} (the files present span tp 0..${tp - 1} x pp 0..${pp - 1})`, { file: dir });
  }

  const fileConfig = names.includes('model_config.pt') ? await readInternEvoModelConfig(join(dir, 'model_config.pt')) : {};
  const modelConfig: InternEvoModelConfig = { ...fileConfig, ...options.modelConfig };
  const configSource = names.includes('model_config.pt') ? `${join(dir, 'model_config.pt')}` : 'the model config';

  const files: TorchFile[] = [];
  const closeAll = async () => {
    await Promise.all(files.map((f) => f.close()));
  };
  try {
    // merged[key][t] = the part of `key` held by tensor-parallel rank t
    const merged = new Map<string, Part[]>();
    let layerShift = 0;
    for (let p = 0; p < pp; p++) {
      let stageLayers = 0;
      let stageKeys: string | undefined;
      for (let t = 0; t < tp; t++) {
        const path = join(dir, `model_tp${t}_pp${p}.pt`);
        const file = await loadTorchFile(path);
        files.push(file);
        const sd = stateDictOf(file);
        // row-parallel biases live on rank 0 only, so they are left out of the comparison
        const keys = [...sd.keys()].map((k) => (k.startsWith('model.') ? k.slice(6) : k)).filter((k) => !ROW_BIAS.test(k));
        const keySet = [...keys].sort().join('\n');
        if (stageKeys === undefined) stageKeys = keySet;
        else if (keySet !== stageKeys) {
          const first = new Set(stageKeys.split('\n'));
          const odd = keys.find((k) => !first.has(k)) ?? [...first].find((k) => !keys.includes(k));
          fail(`${path}: its keys differ from model_tp0_pp${p}.pt's (e.g. ${JSON.stringify(odd)}); all tensor-parallel ranks of a stage must hold the same tensors`, { file: path, tensor: odd });
        }
        const chunked = keys.find((k) => /^\d+\.(layers|blocks|tok_embeddings|embedding|norm|output|head)\b/.test(k));
        if (chunked || (typeof modelConfig.num_chunks === 'number' && modelConfig.num_chunks > 1)) {
          fail(
            `${path}: interleaved pipeline checkpoints (num_chunks > 1, keys such as ${JSON.stringify(chunked ?? `num_chunks=${modelConfig.num_chunks}`)}) are not supported; re-save with num_chunks=1`,
            { file: path, tensor: chunked }
          );
        }
        for (const [rawKey, tensor] of sd) {
          const key = rawKey.startsWith('model.') ? rawKey.slice(6) : rawKey;
          const m = /^(layers|blocks)\.(\d+)\.(.+)$/.exec(key);
          let global = key;
          if (m) {
            const local = Number(m[2]);
            stageLayers = Math.max(stageLayers, local + 1);
            global = `${m[1]}.${local + layerShift}.${m[3]}`;
          } else if (t === 0 && merged.has(key)) {
            fail(`${path}: ${JSON.stringify(key)} also appears in an earlier pipeline stage`, { file: path, tensor: key });
          }
          let parts = merged.get(global);
          if (!parts) merged.set(global, (parts = []));
          parts[t] = { tensor, file: path };
        }
      }
      layerShift += stageLayers;
    }
    const keys = [...merged.keys()];
    const modelType = options.modelType ?? detectModelType(keys, dir);
    const source = buildSource(dir, modelType, merged, tp, modelConfig, configSource, options);
    const { config, tensors, attentionBias, notes, qkInterleaved } = await source;
    return {
      kind: 'internevo',
      path: dir,
      config,
      attentionBias,
      tensors,
      notes: [`InternEvo ${modelType} checkpoint, tensor parallel ${tp} x pipeline parallel ${pp}`, ...notes],
      modelType,
      tensorParallel: tp,
      pipelineParallel: pp,
      modelConfig,
      qkInterleaved,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function detectModelType(keys: readonly string[], dir: string): InternEvoModelType {
  if (keys.some((k) => /^layers\.\d+\.attention\.(wq|wqkv)\.weight$/.test(k))) return 'LLAMA2';
  if (keys.some((k) => /^blocks\.\d+\.mixer\.Wqkv\.weight$/.test(k))) return 'INTERNLM';
  return fail(
    `${dir}: the state dict fits no supported InternEvo layout (keys such as ${listSome(keys, 6)}); supported: ` +
      'LLAMA2 (layers.{i}.attention.wq/wk/wv/wo, feed_forward.w1/w2/w3, tok_embeddings, output) and ' +
      'INTERNLM (blocks.{i}.mixer.Wqkv/out_proj, mlp.w1/w2/w3, norm1/norm2, embedding, head)',
    { file: dir }
  );
}

interface Built {
  config: LlamaConfig;
  tensors: SourceTensor[];
  attentionBias: boolean;
  notes: string[];
  qkInterleaved: boolean;
}

/** The key names of one layout. */
interface Layout {
  prefix: 'layers' | 'blocks';
  embed: string[];
  head: string;
  attnNorm: string;
  ffnNorm: string;
  /** Separate q/k/v (LLAMA2) or fused (3 parts per rank). */
  q?: string;
  k?: string;
  v?: string;
  qkv?: string;
  o: string;
  mlp: string;
  rotary: string;
}

const LAYOUTS: Record<InternEvoModelType, Layout> = {
  LLAMA2: {
    prefix: 'layers',
    embed: ['tok_embeddings.weight', 'tok_embeddings.word_embeddings.weight'],
    head: 'output.weight',
    attnNorm: 'attention_norm.weight',
    ffnNorm: 'ffn_norm.weight',
    q: 'attention.wq',
    k: 'attention.wk',
    v: 'attention.wv',
    qkv: 'attention.wqkv',
    o: 'attention.wo',
    mlp: 'feed_forward',
    rotary: 'attention.rotary_emb.inv_freq',
  },
  INTERNLM: {
    prefix: 'blocks',
    embed: ['embedding.weight', 'embedding.word_embeddings.weight'],
    head: 'head.weight',
    attnNorm: 'norm1.weight',
    ffnNorm: 'norm2.weight',
    qkv: 'mixer.Wqkv',
    o: 'mixer.out_proj',
    mlp: 'mlp',
    rotary: 'mixer.rotary_emb.inv_freq',
  },
};

async function readParts(parts: readonly Part[]): Promise<Float32Array[]> {
  // holes: a row-parallel bias is held by rank 0 only
  return Promise.all(parts.filter(Boolean).map((p) => p.tensor.readFloat32()));
}

function concatRows(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

function concatCols(parts: readonly Float32Array[], rows: number, cols: readonly number[]): Float32Array {
  const total = cols.reduce((a, b) => a + b, 0);
  const out = new Float32Array(rows * total);
  let offset = 0;
  parts.forEach((p, i) => {
    for (let r = 0; r < rows; r++) out.set(p.subarray(r * cols[i], (r + 1) * cols[i]), r * total + offset);
    offset += cols[i];
  });
  return out;
}

async function buildSource(
  dir: string,
  modelType: InternEvoModelType,
  merged: Map<string, Part[]>,
  tp: number,
  mc: InternEvoModelConfig,
  configSource: string,
  options: InternEvoOptions
): Promise<Built> {
  const L = LAYOUTS[modelType];
  const used = new Set<string>();
  const notes: string[] = [];
  const get = (key: string): Part[] | undefined => {
    const parts = merged.get(key);
    if (parts) used.add(key);
    return parts;
  };
  const need = (key: string): Part[] => {
    const parts = get(key);
    if (!parts) fail(`${dir}: tensor ${JSON.stringify(key)} is missing from the ${modelType} checkpoint`, { file: dir, tensor: key });
    return parts;
  };
  const bad = (part: Part, key: string, why: string): never =>
    fail(`${part.file}: tensor ${JSON.stringify(key)} has shape [${part.tensor.shape}]: ${why}`, { file: part.file, tensor: key });
  const checkConfig = (field: keyof InternEvoModelConfig, value: number, key: string, part: Part) => {
    const given = mc[field];
    if (given !== undefined && given !== value) bad(part, key, `it implies ${String(field)} = ${value}, but ${configSource} says ${String(given)}`);
  };

  // --- sizes from the shapes ---
  const finalNorm = need('norm.weight');
  if (finalNorm[0].tensor.shape.length !== 1) bad(finalNorm[0], 'norm.weight', 'expected a vector');
  const H = finalNorm[0].tensor.shape[0];
  checkConfig('hidden_size', H, 'norm.weight', finalNorm[0]);
  const embedKey = L.embed.find((k) => merged.has(k));
  if (!embedKey) fail(`${dir}: no embedding (${L.embed.join(' or ')}) in the checkpoint`, { file: dir });
  const embedParts = need(embedKey);
  let embedDim: 0 | 1;
  if (tp === 1) embedDim = 0;
  else if (embedKey.endsWith('word_embeddings.weight')) embedDim = 0;
  else {
    const cols = embedParts[0].tensor.shape[1];
    embedDim = cols * tp === H ? 1 : cols === H ? 0 : bad(embedParts[0], embedKey, `neither a hidden-dimension split (${H}/${tp}) nor a vocabulary split of hidden size ${H}`);
    if (mc.embed_split_hidden !== undefined && mc.embed_split_hidden !== (embedDim === 1)) {
      bad(embedParts[0], embedKey, `the shards are split along the ${embedDim === 1 ? 'hidden' : 'vocabulary'} dimension, but ${configSource} says embed_split_hidden=${mc.embed_split_hidden}`);
    }
  }
  for (const part of embedParts) {
    const s = part.tensor.shape;
    if (s.length !== 2 || (embedDim === 1 ? s[1] * tp !== H : s[1] !== H)) bad(part, embedKey, `expected [vocab${embedDim === 0 && tp > 1 ? `/${tp}` : ''}, ${embedDim === 1 ? `${H}/${tp}` : H}]`);
  }
  const V = embedDim === 0 ? embedParts.reduce((n, p) => n + p.tensor.shape[0], 0) : embedParts[0].tensor.shape[0];
  if (embedDim === 1 && embedParts.some((p) => p.tensor.shape[0] !== V)) bad(embedParts[1], embedKey, 'ranks disagree on the vocabulary size');
  checkConfig('vocab_size', V, embedKey, embedParts[0]);
  const headParts = need(L.head);
  const headRows = headParts.reduce((n, p) => n + p.tensor.shape[0], 0);
  for (const part of headParts) if (part.tensor.shape.length !== 2 || part.tensor.shape[1] !== H) bad(part, L.head, `expected [vocab/${tp}, ${H}]`);
  if (headRows !== V) bad(headParts[0], L.head, `its ${headRows} rows (all ranks) differ from the embedding's ${V}`);

  const layerIds = new Set<number>();
  const layerRe = new RegExp(`^${L.prefix}\\.(\\d+)\\.`);
  for (const key of merged.keys()) {
    const m = layerRe.exec(key);
    if (m) layerIds.add(Number(m[1]));
  }
  const numLayers = layerIds.size;
  for (let i = 0; i < numLayers; i++) if (!layerIds.has(i)) fail(`${dir}: layer ${i} is missing (layers found: ${[...layerIds].sort((a, b) => a - b).join(', ')})`, { file: dir });
  if (numLayers === 0) fail(`${dir}: the checkpoint has no ${L.prefix}.{i} layers`, { file: dir });
  if (mc.num_layers !== undefined && mc.num_layers !== numLayers) {
    fail(`${dir}: the shards hold ${numLayers} layers, but ${configSource} says num_layers=${mc.num_layers}`, { file: dir, field: 'num_layers' });
  }
  const numHeads = mc.num_attention_heads;
  if (numHeads === undefined) {
    fail(
      `${dir}: the number of attention heads is not recorded in InternEvo's shards; keep model_config.pt beside them or give num_attention_heads (--num-heads)`,
      { file: dir, field: 'num_attention_heads' }
    );
  }
  if (!Number.isInteger(numHeads) || numHeads < 1 || H % numHeads !== 0) {
    fail(`${configSource}: num_attention_heads=${numHeads} does not divide hidden size ${H}`, { field: 'num_attention_heads' });
  }
  const hd = H / numHeads;

  // Per layer: which parts feed which Hugging Face tensor, and how.
  const p0 = (i: number) => `${L.prefix}.${i}.`;
  const sizes = { kv: -1, ffn: -1 };
  let qkInterleaved = false;
  if (modelType === 'LLAMA2') {
    qkInterleaved = options.qkInterleaved ?? (mc.qk_interleaved !== undefined ? Boolean(mc.qk_interleaved) : mc.adapt_hf !== undefined ? !mc.adapt_hf : true);
  } else if (options.qkInterleaved) {
    fail('qkInterleaved applies to LLAMA2 checkpoints only; InternLM keeps q/k in the half-split rotary layout', { field: 'qkInterleaved' });
  }

  type Producer = () => Promise<Float32Array>;
  const tensors: SourceTensor[] = [];
  const dtype: Dtype = embedParts[0].tensor.dtype;
  const push = (name: string, shape: number[], read: Producer, sourceDtype: Dtype = dtype) => tensors.push({ name, shape, sourceDtype, read });

  const columnParallel = (key: string, rows: number | undefined, what: string): { parts: Part[]; rows: number } => {
    const parts = need(key);
    for (const part of parts) if (part.tensor.shape.length !== 2 || part.tensor.shape[1] !== H) bad(part, key, `expected [${what}/${tp}, ${H}] (column-parallel)`);
    const total = parts.reduce((n, p) => n + p.tensor.shape[0], 0);
    if (rows !== undefined && total !== rows) bad(parts[0], key, `its ${total} rows (all ranks) should be ${rows} (${what})`);
    return { parts, rows: total };
  };
  const rowParallel = (key: string, cols: number | undefined, what: string): { parts: Part[]; cols: number[] } => {
    const parts = need(key);
    for (const part of parts) if (part.tensor.shape.length !== 2 || part.tensor.shape[0] !== H) bad(part, key, `expected [${H}, ${what}/${tp}] (row-parallel)`);
    const c = parts.map((p) => p.tensor.shape[1]);
    const total = c.reduce((a, b) => a + b, 0);
    if (cols !== undefined && total !== cols) bad(parts[0], key, `its ${total} columns (all ranks) should be ${cols} (${what})`);
    return { parts, cols: c };
  };
  const replicated = (key: string): Part[] => {
    const parts = need(key);
    for (const part of parts) if (part.tensor.shape.length !== 1 || part.tensor.shape[0] !== H) bad(part, key, `expected [${H}]`);
    return parts;
  };
  const readReplicated = (parts: readonly Part[], key: string): Producer => async () => {
    const all = await readParts(parts);
    for (let t = 1; t < all.length; t++) {
      if (!all[t].every((v, i) => Object.is(v, all[0][i]))) {
        fail(`${parts[t].file}: tensor ${JSON.stringify(key)} differs between tensor-parallel ranks 0 and ${t}, but it should be replicated`, { file: parts[t].file, tensor: key });
      }
    }
    return all[0];
  };

  // Embedding and head.
  push(EMBED, [V, H], async () => {
    const all = await readParts(embedParts);
    return embedDim === 0 ? concatRows(all) : concatCols(all, V, embedParts.map((p) => p.tensor.shape[1]));
  });

  // Biases are gathered first: all-zero biases (InternEvo initialises them to zero) are dropped.
  const biasKeys = [...merged.keys()].filter((k) => layerRe.test(k) && k.endsWith('.bias'));
  const mlpBias = biasKeys.find((k) => k.includes(`.${L.mlp}.`) || /norm/.test(k));
  if (mlpBias) {
    const part = merged.get(mlpBias)?.[0] as Part;
    bad(part, mlpBias, 'LLaMA has no MLP or norm biases (a LayerNorm model, or use_swiglu=False, cannot be converted)');
  }
  let attentionBias = biasKeys.length > 0;
  if (attentionBias) {
    let anyNonZero = false;
    for (const key of biasKeys) {
      for (const v of await readParts(need(key))) if (v.some((x) => x !== 0)) anyNonZero = true;
    }
    if (!anyNonZero) {
      attentionBias = false;
      notes.push(`dropped ${biasKeys.length} attention biases that are all exactly zero`);
    }
  }

  const rotaryValues: { part: Part; key: string }[] = [];
  for (let i = 0; i < numLayers; i++) {
    const pre = p0(i);
    // attention: q, k, v
    let qRead: Producer;
    let kRead: Producer;
    let vRead: Producer;
    let qbRead: Producer | undefined;
    let kbRead: Producer | undefined;
    let vbRead: Producer | undefined;
    const fusedKey = L.qkv ? `${pre}${L.qkv}.weight` : undefined;
    if (L.q && merged.has(`${pre}${L.q}.weight`)) {
      const q = columnParallel(`${pre}${L.q}.weight`, H, 'hidden');
      const k = columnParallel(`${pre}${L.k}.weight`, sizes.kv >= 0 ? sizes.kv : undefined, 'kv');
      if (k.rows % hd !== 0) bad(k.parts[0], `${pre}${L.k}.weight`, `its ${k.rows} rows are not a whole number of heads of size ${hd}`);
      sizes.kv = k.rows;
      columnParallel(`${pre}${L.v}.weight`, k.rows, 'kv');
      qRead = async () => concatRows(await readParts(q.parts));
      kRead = async () => concatRows(await readParts(k.parts));
      vRead = async () => concatRows(await readParts(need(`${pre}${L.v}.weight`)));
      if (attentionBias) {
        qbRead = biasReader(get(`${pre}${L.q}.bias`), H);
        kbRead = biasReader(get(`${pre}${L.k}.bias`), k.rows);
        vbRead = biasReader(get(`${pre}${L.v}.bias`), k.rows);
      } else for (const b of ['q', 'k', 'v'] as const) get(`${pre}${L[b]}.bias`);
    } else if (fusedKey && merged.has(fusedKey)) {
      const fused = need(fusedKey);
      // per rank: [q_t; k_t; v_t]; InternLM (MHA) has equal thirds, LLAMA2's wqkv q:kv:kv
      const kvTotal = modelType === 'INTERNLM' ? H : (mc.num_kv_attention_heads ?? numHeads) * hd;
      const perRank = (H + 2 * kvTotal) / tp;
      for (const part of fused) {
        if (part.tensor.shape.length !== 2 || part.tensor.shape[1] !== H || part.tensor.shape[0] !== perRank) {
          bad(part, fusedKey, `expected [${perRank}, ${H}] per rank (q ${H / tp} + k ${kvTotal / tp} + v ${kvTotal / tp} rows, tensor parallel ${tp})`);
        }
      }
      sizes.kv = kvTotal;
      const split = (which: 0 | 1 | 2, parts: readonly Part[], cols: number): Producer => async () => {
        const all = await readParts(parts);
        const q = H / tp;
        const kv = kvTotal / tp;
        const [start, len] = which === 0 ? [0, q] : which === 1 ? [q, kv] : [q + kv, kv];
        return concatRows(all.map((a) => a.subarray(start * cols, (start + len) * cols)));
      };
      qRead = split(0, fused, H);
      kRead = split(1, fused, H);
      vRead = split(2, fused, H);
      const fusedBias = get(`${fusedKey.slice(0, -'.weight'.length)}.bias`);
      if (attentionBias) {
        if (!fusedBias) fail(`${dir}: ${fusedKey.replace(/weight$/, 'bias')} is missing while other attention biases exist`, { file: dir });
        qbRead = split(0, fusedBias, 1);
        kbRead = split(1, fusedBias, 1);
        vbRead = split(2, fusedBias, 1);
      }
    } else {
      return fail(`${dir}: layer ${i} has no attention projections (${L.q ? `${pre}${L.q}.weight or ` : ''}${fusedKey})`, { file: dir, tensor: fusedKey });
    }
    const kvHeads = sizes.kv / hd;
    if (modelType === 'LLAMA2' && mc.num_kv_attention_heads !== undefined && mc.num_kv_attention_heads !== kvHeads) {
      fail(`${dir}: ${pre}attention.wk holds ${kvHeads} key/value heads, but ${configSource} says num_kv_attention_heads=${mc.num_kv_attention_heads}`, { file: dir, tensor: `${pre}attention.wk.weight` });
    }
    const permute = (read: Producer, heads: number, cols: number): Producer =>
      qkInterleaved ? async () => permuteRotaryRows(await read(), heads, hd, cols) : read;
    push(layerName(i, 'self_attn.q_proj.weight'), [H, H], permute(qRead, numHeads, H));
    push(layerName(i, 'self_attn.k_proj.weight'), [sizes.kv, H], permute(kRead, kvHeads, H));
    push(layerName(i, 'self_attn.v_proj.weight'), [sizes.kv, H], vRead);
    const o = rowParallel(`${pre}${L.o}.weight`, H, 'hidden');
    push(layerName(i, 'self_attn.o_proj.weight'), [H, H], async () => concatCols(await readParts(o.parts), H, o.cols));
    const oBias = get(`${pre}${L.o}.bias`);
    if (attentionBias) {
      push(layerName(i, 'self_attn.q_proj.bias'), [H], permute(qbRead as Producer, numHeads, 1));
      push(layerName(i, 'self_attn.k_proj.bias'), [sizes.kv], permute(kbRead as Producer, kvHeads, 1));
      push(layerName(i, 'self_attn.v_proj.bias'), [sizes.kv], vbRead as Producer);
      push(layerName(i, 'self_attn.o_proj.bias'), [H], async () => {
        // row-parallel bias: held by rank 0 only (flash-attn RowParallelLinear); summed if several hold one
        const out = new Float32Array(H);
        for (const v of oBias ? await readParts(oBias.filter(Boolean)) : []) {
          if (v.length !== H) fail(`${dir}: ${pre}${L.o}.bias has ${v.length} values, expected ${H}`, { file: dir, tensor: `${pre}${L.o}.bias` });
          for (let j = 0; j < H; j++) out[j] += v[j];
        }
        return out;
      });
    }

    // MLP: w1 = gate; of w2 / w3, the one shaped [hidden, ffn/tp] is the down projection.
    const gate = columnParallel(`${pre}${L.mlp}.w1.weight`, sizes.ffn >= 0 ? sizes.ffn : undefined, 'ffn');
    sizes.ffn = gate.rows;
    const w2 = need(`${pre}${L.mlp}.w2.weight`)[0].tensor.shape;
    const w3 = need(`${pre}${L.mlp}.w3.weight`)[0].tensor.shape;
    let w2IsDown: boolean;
    const ambiguous = w2[0] === H && w2[1] === H && w3[0] === H && w3[1] === H;
    if (ambiguous) {
      if (!options.w2) {
        fail(`${dir}: the up and down projections of ${pre}${L.mlp} have the same shape [${H}, ${H}], so which of w2/w3 is the down projection cannot be told from the shapes; pass w2: 'up' (old InternEvo FeedForward) or 'down' (new)`, { file: dir, field: 'w2' });
      }
      w2IsDown = options.w2 === 'down';
    } else {
      w2IsDown = w2[0] === H && w2[1] !== H;
    }
    const upKey = `${pre}${L.mlp}.${w2IsDown ? 'w3' : 'w2'}.weight`;
    const downKey = `${pre}${L.mlp}.${w2IsDown ? 'w2' : 'w3'}.weight`;
    const up = columnParallel(upKey, gate.rows, 'ffn');
    const down = rowParallel(downKey, gate.rows, 'ffn');
    push(layerName(i, 'mlp.gate_proj.weight'), [gate.rows, H], async () => concatRows(await readParts(gate.parts)));
    push(layerName(i, 'mlp.up_proj.weight'), [gate.rows, H], async () => concatRows(await readParts(up.parts)));
    push(layerName(i, 'mlp.down_proj.weight'), [H, gate.rows], async () => concatCols(await readParts(down.parts), H, down.cols));
    push(layerName(i, 'input_layernorm.weight'), [H], readReplicated(replicated(`${pre}${L.attnNorm}`), `${pre}${L.attnNorm}`));
    push(layerName(i, 'post_attention_layernorm.weight'), [H], readReplicated(replicated(`${pre}${L.ffnNorm}`), `${pre}${L.ffnNorm}`));
    const rot = get(`${pre}${L.rotary}`);
    if (rot) rotaryValues.push({ part: rot[0], key: `${pre}${L.rotary}` });
  }
  push(FINAL_NORM, [H], readReplicated(replicated('norm.weight'), 'norm.weight'));
  push(LM_HEAD, [V, H], async () => concatRows(await readParts(headParts)));

  const unknown = [...merged.keys()].filter((k) => !used.has(k));
  if (unknown.length > 0) {
    const part = merged.get(unknown[0])?.[0] as Part;
    fail(`${part.file}: tensors that fit no ${modelType} parameter: ${listSome(unknown)}`, { file: part.file, tensor: unknown[0] });
  }

  // config checks that need values or the config
  if (mc.norm_type !== undefined && mc.norm_type !== 'rmsnorm') fail(`${configSource}: norm_type=${JSON.stringify(mc.norm_type)}; LLaMA needs "rmsnorm"`, { field: 'norm_type' });
  if (mc.use_swiglu === false) fail(`${configSource}: use_swiglu=False; LLaMA needs the SwiGLU MLP`, { field: 'use_swiglu' });
  if (mc.apply_post_layer_norm === true) fail(`${configSource}: apply_post_layer_norm=True; LLaMA is pre-norm`, { field: 'apply_post_layer_norm' });
  if (mc.mlp_ratio !== undefined) {
    const expected = ffnFromMlpRatio(H, mc.mlp_ratio, mc.multiple_of ?? 256);
    if (expected !== sizes.ffn) {
      const part = merged.get(`${p0(0)}${L.mlp}.w1.weight`)?.[0] as Part;
      bad(part, `${p0(0)}${L.mlp}.w1.weight`, `it implies an FFN of ${sizes.ffn}, but mlp_ratio=${mc.mlp_ratio} in ${configSource} gives ${expected}`);
    }
  }
  const ropeTheta = mc.rope_base ?? 10000;
  for (const { part, key } of rotaryValues.slice(0, 1)) await checkRotary(part, key, ropeTheta, hd, configSource);
  if (rotaryValues.length > 0) notes.push(`skipped ${rotaryValues.length} rotary inv_freq buffers (recomputed from rope_theta ${ropeTheta})`);
  if (qkInterleaved) notes.push('permuted wq/wk rows from the interleaved rotary layout to Hugging Face half-split');

  const config = resolveConfig(
    {
      vocabSize: V,
      hiddenSize: H,
      numLayers,
      numHeads,
      numKvHeads: sizes.kv / hd,
      intermediateSize: sizes.ffn,
      ropeTheta,
      rmsNormEps: mc.layer_norm_epsilon ?? (modelType === 'INTERNLM' ? 1e-6 : 1e-5),
      maxPositionEmbeddings: options.maxPositionEmbeddings ?? 2048,
      tieWordEmbeddings: false,
    },
    configSource
  );
  return { config, tensors, attentionBias, notes, qkInterleaved };

  function biasReader(parts: Part[] | undefined, size: number): Producer {
    if (!parts) return async () => new Float32Array(size);
    return async () => concatRows(await readParts(parts));
  }
}

/** InternEvo's RotaryEmbedding stores inv_freq = base^(-2j/d); check it against the base used. */
async function checkRotary(part: Part, key: string, base: number, headDim: number, configSource: string): Promise<void> {
  const inv = await part.tensor.readFloat32();
  if (inv.length !== headDim / 2) bad();
  for (let j = 0; j < inv.length; j++) {
    const want = base ** (-(2 * j) / headDim);
    if (Math.abs(inv[j] - want) > 1e-2 * want) bad();
  }
  function bad(): never {
    // estimate the base from the slope of log(inv_freq)
    const j = inv.length - 1;
    const estimate = j > 0 ? Math.exp((-Math.log(inv[j]) * headDim) / (2 * j)) : Number.NaN;
    return fail(
      `${part.file}: tensor ${JSON.stringify(key)} (rotary inv_freq, ${inv.length} values) does not match rope base ${base} and head size ${headDim}` +
        `${Number.isFinite(estimate) ? ` (it implies a base near ${estimate.toPrecision(4)})` : ''}; give rope_base in ${configSource} or the options`,
      { file: part.file, tensor: key, field: 'rope_base' }
    );
  }
}
