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
//
// This file finds and merges the shards; the model is built in phases by internevo-sizes.ts (sizes
// from the shapes), internevo-layer.ts (one layer's tensors) over internevo-parts.ts (the merged
// tensors, their parallel shapes and reads), with the key names in internevo-layout.ts.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ffnFromMlpRatio, type LlamaConfig, resolveConfig } from '@tinylm/arch-config';
import { SourceCheckpointError } from './errors';
import { type InternEvoModelConfig, readInternEvoModelConfig } from './internevo-config';
import { type InternEvoConfigFile, readInternEvoConfigFile } from './internevo-config-file';
import { type LayerReading, type LayerWidths, readLayer } from './internevo-layer';
import { type InternEvoModelType, LAYOUTS, type Layout } from './internevo-layout';
import { badShape, concatCols, concatRows, fail, listSome, MergedParts, type Part, readParts } from './internevo-parts';
import { readModelSizes } from './internevo-sizes';
import { EMBED, FINAL_NORM, LM_HEAD } from './llama-params';
import type { ModelSource, SourceTensor } from './model-source';
import { loadTorchFile, stateDictOf, type TorchFile } from './torch-checkpoint';
import { parseOptions, showValue } from '@tinylm/errors';
import { internEvoOptions } from './options';

export type { InternEvoModelType } from './internevo-layout';

/** Options for `readInternEvoCheckpoint`. */
export interface InternEvoOptions {
  /**
   * Model config values in InternEvo's names (`num_attention_heads`, `layer_norm_epsilon`,
   * `rope_base`, ...). They override `model_config.pt` when the folder has one. InternEvo's shards
   * do not record the head count, so `num_attention_heads` must come from one of the two.
   */
  modelConfig?: InternEvoModelConfig;
  /**
   * The model type; default: `model_type` in `config_file.pt` beside the shards, else told from
   * the state-dict keys where they are unambiguous (a fused `attention.wqkv` is not: InternLM2
   * groups its rows per key/value head, a fused LLAMA2 does not, so it needs this or config_file.pt).
   */
  modelType?: InternEvoModelType;
  /**
   * LLAMA2 / INTERNLM2: the rotary layout of the wq/wk (wqkv) rows. 'interleaved' (InternEvo's
   * `adapt_hf=False` / `qk_interleaved=True`) is permuted to Hugging Face's half-split on the
   * way out, 'half' is kept. Default: from model_config.pt or config_file.pt (`qk_interleaved`,
   * else `adapt_hf`); INTERNLM2 defaults to 'half' (adapt_hf=True, InternEvo's default for it in
   * every version); LLAMA2 without either is refused, since InternEvo's default differs between
   * versions (v0.3.x interleaved, today's line half). INTERNLM is always 'half'.
   */
  rotary?: 'interleaved' | 'half';
  /** @deprecated Use `rotary` (true = 'interleaved'). */
  qkInterleaved?: boolean;
  /** Needed only when the up and down projections have the same shape: which one w2 is. */
  w2?: 'up' | 'down';
  /** `max_position_embeddings` for config.json (InternEvo keeps SEQ_LEN out of the model config); default: SEQ_LEN in config_file.pt, else 2048. */
  maxPositionEmbeddings?: number;
  /** How far a shard's tensor may exceed its storage (stride-0 views); see `loadTorchFile`'s option of that name. Default 64. */
  maxTensorExpansion?: number;
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
  /** What config_file.pt said, when the folder has one. */
  readonly configFile?: InternEvoConfigFile;
}

const SHARD = /^model_tp(\d+)_pp(\d+)\.pt$/;
const ROW_BIAS = /\.(attention\.wo|mixer\.out_proj)\.bias$/;

/**
 * Opens an InternEvo checkpoint folder: finds `model_tp*_pp*.pt`, reads `model_config.pt` if
 * present, merges the pipeline stages (layer index shift) and tensor-parallel ranks, maps the keys
 * of the LLAMA2 or InternLM layout to Hugging Face LLaMA names, and checks every shape against the
 * config. Tensors are read on demand. Throws `SourceCheckpointError` for missing shards, unknown keys,
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
    if (SourceCheckpointError.isInstance(error)) throw error;
    return fail(`${dir}: cannot read the folder (${(error as Error).message})`, { file: dir });
  }
  const refused = names.filter((n) => /^model_tp\d+_wp\d+_pp\d+\.pt$|^model_tp\d+_pp\d+_dp\d+\.pt$|^model_moe_/.test(n));
  if (refused.length > 0) {
    fail(
      `${dir}: ${listSome(refused)}: weight-parallel (isp), FSDP and MoE checkpoints are not supported; ` +
        'convert them to plain tensor/pipeline parallel shards (model_tp{t}_pp{p}.pt) with InternEvo first',
      { file: dir },
    );
  }
  const { tp, pp } = shardGrid(dir, names);
  const present = new Set(names);

  const fileConfig = present.has('model_config.pt') ? await readInternEvoModelConfig(join(dir, 'model_config.pt')) : {};
  const modelConfig: InternEvoModelConfig = { ...fileConfig, ...options.modelConfig };
  const configSource = present.has('model_config.pt') ? `${join(dir, 'model_config.pt')}` : 'the model config';
  const configFilePath = join(dir, 'config_file.pt');
  const configFile = present.has('config_file.pt') ? await readInternEvoConfigFile(configFilePath) : undefined;

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
        const file = await loadTorchFile(path, { maxTensorExpansion: options.maxTensorExpansion });
        files.push(file);
        const stateDict = stateDictOf(file);
        // row-parallel biases live on rank 0 only, so they are left out of the comparison
        const keys = [...stateDict.keys()].map((k) => (k.startsWith('model.') ? k.slice(6) : k)).filter((k) => !ROW_BIAS.test(k));
        const keySet = [...keys].sort().join('\n');
        if (stageKeys === undefined) stageKeys = keySet;
        else if (keySet !== stageKeys) {
          const first = new Set(stageKeys.split('\n'));
          const odd = keys.find((k) => !first.has(k)) ?? [...first].find((k) => !keys.includes(k));
          fail(
            `${path}: its keys differ from model_tp0_pp${p}.pt's (e.g. ${showValue(odd)}); all tensor-parallel ranks of a stage must hold the same tensors`,
            { file: path, tensor: odd },
          );
        }
        const chunked = keys.find((k) => /^\d+\.(layers|blocks|tok_embeddings|embedding|norm|output|head)\b/.test(k));
        if (chunked || (typeof modelConfig.num_chunks === 'number' && modelConfig.num_chunks > 1)) {
          fail(
            `${path}: interleaved pipeline checkpoints (num_chunks > 1, keys such as ${showValue(chunked ?? `num_chunks=${modelConfig.num_chunks}`)}) are not supported; re-save with num_chunks=1`,
            { file: path, tensor: chunked },
          );
        }
        for (const [rawKey, tensor] of stateDict) {
          const key = rawKey.startsWith('model.') ? rawKey.slice(6) : rawKey;
          const m = /^(layers|blocks)\.(\d+)\.(.+)$/.exec(key);
          let global = key;
          if (m) {
            const local = Number(m[2]);
            stageLayers = Math.max(stageLayers, local + 1);
            global = `${m[1]}.${local + layerShift}.${m[3]}`;
          } else if (t === 0 && merged.has(key)) {
            fail(`${path}: ${showValue(key)} also appears in an earlier pipeline stage`, { file: path, tensor: key });
          }
          let parts = merged.get(global);
          if (!parts) merged.set(global, (parts = []));
          parts[t] = { tensor, file: path };
        }
      }
      layerShift += stageLayers;
    }
    const keys = [...merged.keys()];
    const modelType = options.modelType ?? configFile?.modelType ?? detectModelType(keys, dir);
    const parts = new MergedParts(dir, modelType, merged, tp);
    const rotary = rotaryOf(modelType, modelConfig, configSource, configFile, configFilePath, options, dir);
    const { config, tensors, attentionBias, notes, qkInterleaved } = await buildSource(parts, modelType, modelConfig, configSource, {
      ...options,
      qkInterleaved: rotary === 'interleaved',
      maxPositionEmbeddings: options.maxPositionEmbeddings ?? configFile?.seqLen,
    });
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
      ...(configFile ? { configFile } : {}),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * The tensor x pipeline grid the shard files span, from the files present: a complete grid of
 * tp x pp ranks has exactly tp x pp files, so the check and the names of the first missing shards
 * take work bounded by the number of files, never by the ranks a file name claims
 * (`model_tp40000_pp40000.pt` alone would be a grid of 1.6e9).
 */
function shardGrid(dir: string, names: readonly string[]): { tp: number; pp: number } {
  const ranks = new Map<string, string>();
  let tp = 0;
  let pp = 0;
  for (const name of names) {
    const m = SHARD.exec(name);
    if (!m) continue;
    const t = Number(m[1]);
    const p = Number(m[2]);
    const key = `${t},${p}`;
    const other = ranks.get(key);
    if (other !== undefined) {
      fail(`${dir}: ${other} and ${name} are the same shard (tp ${t}, pp ${p}); keep one`, { file: join(dir, name) });
    }
    ranks.set(key, name);
    tp = Math.max(tp, t + 1);
    pp = Math.max(pp, p + 1);
  }
  if (ranks.size === 0) {
    fail(`${dir}: no InternEvo model shards (model_tp{t}_pp{p}.pt) found${names.length ? `; files: ${listSome(names)}` : ''}`, {
      file: dir,
    });
  }
  const expected = tp * pp;
  if (expected === ranks.size) return { tp, pp };
  // Some are missing: name the first few in grid order. Each rank visited is either present (at
  // most ranks.size of them) or missing (the walk stops at the ninth), so it ends soon.
  const missing: string[] = [];
  for (let p = 0; p < pp && missing.length <= 8; p++) {
    for (let t = 0; t < tp && missing.length <= 8; t++) if (!ranks.has(`${t},${p}`)) missing.push(`model_tp${t}_pp${p}.pt`);
  }
  const shown = missing.length > 8 ? `${missing.slice(0, 8).join(', ')}, ...` : missing.join(', ');
  return fail(
    `${dir}: missing shards ${shown} (${expected - ranks.size} of ${expected}: the files present, ${listSome([...ranks.values()], 4)}, ` +
      `span tp 0..${tp - 1} x pp 0..${pp - 1})`,
    { file: dir },
  );
}

/** The model type from the keys, where they tell it; a fused `attention.wqkv` does not (see `InternEvoOptions.modelType`). */
function detectModelType(keys: readonly string[], dir: string): InternEvoModelType {
  if (keys.some((k) => /^layers\.\d+\.attention\.wq\.weight$/.test(k))) return 'LLAMA2';
  if (keys.some((k) => /^blocks\.\d+\.mixer\.Wqkv\.weight$/.test(k))) return 'INTERNLM';
  const fused = keys.find((k) => /^layers\.\d+\.attention\.wqkv\.weight$/.test(k));
  if (fused) {
    return fail(
      `${dir}: ${showValue(fused)} is a fused q/k/v projection, laid out differently by InternLM2 (rows grouped per key/value head, ` +
        '`(h gs d)`) and by a fused LLAMA2 ([q; k; v] per rank), and the folder has no config_file.pt naming the model_type; ' +
        "give the model type (modelType: 'INTERNLM2' or 'LLAMA2', --model-type)",
      { file: dir, tensor: fused, field: 'modelType' },
    );
  }
  return fail(
    `${dir}: the state dict fits no supported InternEvo layout (keys such as ${listSome(keys, 6)}); supported: ` +
      'LLAMA2 (layers.{i}.attention.wq/wk/wv/wo, feed_forward.w1/w2/w3, tok_embeddings, output), ' +
      'INTERNLM2 (layers.{i}.attention.wqkv/wo, feed_forward.w1/w2/w3, tok_embeddings, output) and ' +
      'INTERNLM (blocks.{i}.mixer.Wqkv/out_proj, mlp.w1/w2/w3, norm1/norm2, embedding, head)',
    { file: dir },
  );
}

interface Built {
  config: LlamaConfig;
  tensors: SourceTensor[];
  attentionBias: boolean;
  notes: string[];
  qkInterleaved: boolean;
}

/**
 * The merged tensors as one Hugging Face LLaMA model, in phases: the sizes from the shapes, the
 * attention biases (dropped when all zero), the rotary layout, every layer, the leftovers refused,
 * then the config values checked and the config resolved.
 */
async function buildSource(
  parts: MergedParts,
  modelType: InternEvoModelType,
  modelConfig: InternEvoModelConfig,
  configSource: string,
  options: InternEvoOptions,
): Promise<Built> {
  const layout = LAYOUTS[modelType];
  const sizes = readModelSizes(parts, layout, modelConfig, configSource);
  const { hidden, vocab } = sizes;
  const qkInterleaved = options.qkInterleaved === true;
  const bias = await attentionBiasOf(parts, layout, sizes.layerKey);
  const reading: LayerReading = {
    parts,
    layout,
    modelType,
    sizes,
    modelConfig,
    configSource,
    w2: options.w2 ?? (modelConfig.tinylm_mlp_w2 === 'up' || modelConfig.tinylm_mlp_w2 === 'down' ? modelConfig.tinylm_mlp_w2 : undefined),
    attentionBias: bias.present,
    qkInterleaved,
    dtype: sizes.embedParts[0].tensor.dtype,
  };
  const push = (tensors: SourceTensor[], name: string, shape: number[], read: () => Promise<Float32Array>) =>
    tensors.push({ name, shape, sourceDtype: reading.dtype, read });

  const tensors: SourceTensor[] = [];
  push(tensors, EMBED, [vocab, hidden], async () => {
    const all = await readParts(sizes.embedParts);
    return sizes.embedDim === 0
      ? concatRows(all)
      : concatCols(
          all,
          vocab,
          sizes.embedParts.map((p) => p.tensor.shape[1]),
        );
  });
  let widths: LayerWidths = {};
  const rotaryBuffers: { part: Part; key: string }[] = [];
  for (let i = 0; i < sizes.numLayers; i++) {
    const layer = readLayer(reading, i, widths);
    tensors.push(...layer.tensors);
    widths = layer.widths;
    if (layer.rotary) rotaryBuffers.push(layer.rotary);
  }
  push(tensors, FINAL_NORM, [hidden], parts.replicated('norm.weight', hidden));
  push(tensors, LM_HEAD, [vocab, hidden], async () => concatRows(await readParts(sizes.headParts)));
  refuseLeftovers(parts, modelType);

  const ffn = widths.ffn!;
  checkConfigValues(parts, layout, modelConfig, configSource, hidden, ffn);
  const ropeTheta = modelConfig.rope_base ?? 10000;
  for (const { part, key } of rotaryBuffers.slice(0, 1)) await checkRotary(part, key, ropeTheta, sizes.headDim, configSource);
  const notes = [...bias.notes];
  if (rotaryBuffers.length > 0)
    notes.push(`skipped ${rotaryBuffers.length} rotary inv_freq buffers (recomputed from rope_theta ${ropeTheta})`);
  if (reading.qkInterleaved) notes.push('permuted wq/wk rows from the interleaved rotary layout to Hugging Face half-split');
  const config = resolveConfig(
    {
      vocabSize: vocab,
      hiddenSize: hidden,
      numLayers: sizes.numLayers,
      numHeads: sizes.numHeads,
      numKvHeads: widths.kv! / sizes.headDim,
      intermediateSize: ffn,
      ropeTheta,
      rmsNormEps: modelConfig.layer_norm_epsilon ?? (modelType === 'INTERNLM' ? 1e-6 : 1e-5),
      maxPositionEmbeddings: options.maxPositionEmbeddings ?? 2048,
      tieWordEmbeddings: false,
    },
    configSource,
  );
  return { config, tensors, attentionBias: bias.present, notes, qkInterleaved: reading.qkInterleaved };
}

/** Whether the attention carries biases: not when there are none, or all are exactly zero (InternEvo initialises them so). */
async function attentionBiasOf(parts: MergedParts, layout: Layout, layerKey: RegExp): Promise<{ present: boolean; notes: string[] }> {
  const biasKeys = parts.keys().filter((k) => layerKey.test(k) && k.endsWith('.bias'));
  const mlpBias = biasKeys.find((k) => k.includes(`.${layout.mlp}.`) || /norm/.test(k));
  if (mlpBias)
    badShape(
      parts.peek(mlpBias)![0],
      mlpBias,
      'LLaMA has no MLP or norm biases (a LayerNorm model, or use_swiglu=False, cannot be converted)',
    );
  if (biasKeys.length === 0) return { present: false, notes: [] };
  let anyNonZero = false;
  for (const key of biasKeys) {
    for (const values of await readParts(parts.need(key))) if (values.some((x) => x !== 0)) anyNonZero = true;
  }
  return anyNonZero
    ? { present: true, notes: [] }
    : { present: false, notes: [`dropped ${biasKeys.length} attention biases that are all exactly zero`] };
}

/**
 * The rotary layout of the q/k rows: the options, else model_config.pt (`qk_interleaved`, then
 * `adapt_hf`), else config_file.pt (the same keys in its text), else the model type's one default
 * (INTERNLM2: half); a LLAMA2 checkpoint that says nothing is refused rather than guessed.
 */
function rotaryOf(
  modelType: InternEvoModelType,
  modelConfig: InternEvoModelConfig,
  configSource: string,
  configFile: InternEvoConfigFile | undefined,
  configFilePath: string,
  options: InternEvoOptions,
  dir: string,
): 'interleaved' | 'half' {
  const asked = options.rotary ?? (options.qkInterleaved === undefined ? undefined : options.qkInterleaved ? 'interleaved' : 'half');
  if (
    options.rotary !== undefined &&
    options.qkInterleaved !== undefined &&
    (options.qkInterleaved ? 'interleaved' : 'half') !== options.rotary
  )
    fail(`rotary: ${showValue(options.rotary)} contradicts qkInterleaved: ${options.qkInterleaved}; give rotary only`, { field: 'rotary' });
  if (modelType === 'INTERNLM') {
    if (asked === 'interleaved')
      fail("rotary: 'interleaved' applies to LLAMA2 and INTERNLM2 checkpoints only; InternLM keeps q/k in the half-split rotary layout", {
        field: 'rotary',
      });
    return 'half';
  }
  if (asked !== undefined) return asked;
  const said = (qk: unknown, adaptHf: unknown): 'interleaved' | 'half' | undefined =>
    qk !== undefined ? (qk ? 'interleaved' : 'half') : adaptHf !== undefined ? (adaptHf ? 'half' : 'interleaved') : undefined;
  const fromConfig = said(modelConfig.qk_interleaved, modelConfig.adapt_hf);
  const fromFile = configFile && said(configFile.qkInterleaved, configFile.adaptHf);
  if (fromConfig && fromFile && fromConfig !== fromFile) {
    fail(
      `${configSource} and ${configFilePath} disagree on the rotary layout (${fromConfig} vs ${fromFile}); give rotary: 'interleaved' or 'half' (--rotary)`,
      { file: configFilePath, field: 'rotary' },
    );
  }
  const found = fromConfig ?? fromFile;
  if (found) return found;
  if (modelType === 'INTERNLM2') return 'half';
  return fail(
    `${dir}: the rotary layout of wq/wk is not recorded (neither adapt_hf nor qk_interleaved in ${configSource}${configFile ? ` or ${configFilePath}` : ''}), ` +
      "and InternEvo's default differs between versions (v0.3.x: interleaved, adapt_hf=False; newer: half, qk_interleaved=False); " +
      "give rotary: 'interleaved' or 'half' (--rotary interleaved|half)",
    { file: dir, field: 'rotary' },
  );
}

function refuseLeftovers(parts: MergedParts, modelType: InternEvoModelType): void {
  const unknown = parts.unused();
  if (unknown.length === 0) return;
  const part = parts.peek(unknown[0])![0];
  fail(`${part.file}: tensors that fit no ${modelType} parameter: ${listSome(unknown)}`, { file: part.file, tensor: unknown[0] });
}

/** Config values that LLaMA cannot honour, and an mlp_ratio that disagrees with the FFN found. */
function checkConfigValues(
  parts: MergedParts,
  layout: Layout,
  modelConfig: InternEvoModelConfig,
  configSource: string,
  hidden: number,
  ffn: number,
): void {
  if (modelConfig.norm_type !== undefined && modelConfig.norm_type !== 'rmsnorm')
    fail(`${configSource}: norm_type=${showValue(modelConfig.norm_type)}; LLaMA needs "rmsnorm"`, { field: 'norm_type' });
  if (modelConfig.use_swiglu === false) fail(`${configSource}: use_swiglu=False; LLaMA needs the SwiGLU MLP`, { field: 'use_swiglu' });
  if (modelConfig.apply_post_layer_norm === true)
    fail(`${configSource}: apply_post_layer_norm=True; LLaMA is pre-norm`, { field: 'apply_post_layer_norm' });
  if (modelConfig.mlp_ratio !== undefined) {
    const expected = ffnFromMlpRatio(hidden, modelConfig.mlp_ratio, modelConfig.multiple_of ?? 256);
    if (expected !== ffn) {
      const key = `${layout.prefix}.0.${layout.mlp}.w1.weight`;
      badShape(
        parts.peek(key)![0],
        key,
        `it implies an FFN of ${ffn}, but mlp_ratio=${modelConfig.mlp_ratio} in ${configSource} gives ${expected}`,
      );
    }
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
      `${part.file}: tensor ${showValue(key)} (rotary inv_freq, ${inv.length} values) does not match rope base ${base} and head size ${headDim}` +
        `${Number.isFinite(estimate) ? ` (it implies a base near ${estimate.toPrecision(4)})` : ''}; give rope_base in ${configSource} or the options`,
      { file: part.file, tensor: key, field: 'rope_base' },
    );
  }
}
