// Hugging Face LLaMA folder -> InternEvo checkpoint (`model_tp{t}_pp{p}.pt`, PyTorch's zip +
// pickle format, what torch.save writes and InternEvo's load_model_checkpoint reads for
// ckpt_type "internlm" (v0.3.0 to v0.3.3) / "internevo" (v0.3.4 on)) for a chosen tensor x pipeline split.
// The names and layouts are in internevo-export-layout.ts; this file reads the folder, checks it
// and the split, and writes the shards and model_config.pt (internevo-config-writer.ts) into a
// temporary folder renamed into place at the end.
// Tensors are streamed: each shard's tensors are read from the Hugging Face shards one at a time,
// so memory holds one tensor, never the model.

import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { INTERNEVO_MULTIPLE_OF, type LlamaConfig, mlpRatioFor } from '@tinylm/arch-config';
import { InvalidArgumentError, parseOptions, type SameShape } from '@tinylm/errors';
import { openHfCheckpoint, withTempDir } from '@tinylm/hf-io';
import { z } from 'zod';
import { encodeInternEvoModelConfig } from './internevo-config-writer';
import { checkSplit, type InternEvoDtype, type InternEvoSplit, partitionUniform, shardTensors } from './internevo-export-layout';
import { EMBED } from './llama-params';
import { checkWeights, readFolderLlamaConfig } from './tinylm-checkpoint';
import { writeTorchStateDict } from './torch-save';

/** Options for `writeInternEvoCheckpoint`. */
export interface WriteInternEvoOptions {
  /** Tensor-parallel ranks: must divide the heads, key/value heads, vocabulary and FFN. */
  tp: number;
  /** Pipeline stages (partition_uniform): at most the layer count. */
  pp: number;
  /** InternEvo model type; only 'LLAMA2' (modeling_llama.py) is written. Default 'LLAMA2'. */
  modelType?: 'LLAMA2';
  /**
   * q/k row layout: 'half' (default: the Hugging Face rows as they are) for adapt_hf=True /
   * qk_interleaved=False, what `tinylm arch emit --format internevo` states by default;
   * 'interleaved' for adapt_hf=False (InternEvo v0.3.x's default when a config does not set it) /
   * qk_interleaved=True. The training config must say the same.
   */
  rotary?: 'interleaved' | 'half';
  /** Which of w2 / w3 is the down projection: 'down' for InternEvo v0.2.4 and every v0.3 (default), 'up' up to v0.2.3. */
  w2?: 'up' | 'down';
  /** Tensor dtype in the shards; default the folder's (its embedding's) dtype. */
  dtype?: InternEvoDtype;
  /** Replace `outDir` if it exists. */
  force?: boolean;
}

/** What `writeInternEvoCheckpoint` wrote. */
export interface WrittenInternEvo {
  readonly dir: string;
  /** The shard files, in (pp, tp) order; `model_config.pt` beside them holds `modelConfig`. */
  readonly files: readonly string[];
  readonly tp: number;
  readonly pp: number;
  /** Each stage's [start, end) global layers. */
  readonly stages: readonly (readonly [number, number])[];
  readonly dtype: InternEvoDtype;
  readonly rotary: 'interleaved' | 'half';
  readonly w2: 'up' | 'down';
  /** The model config InternEvo's `model = dict(...)` needs for these shards (InternEvo's names). */
  readonly modelConfig: Readonly<Record<string, number | boolean | string>>;
  readonly notes: readonly string[];
}

const dtypes = ['float32', 'bfloat16', 'float16'] as const;
export const writeInternEvoOptions = z.strictObject({
  tp: z.number(),
  pp: z.number(),
  modelType: z.literal('LLAMA2').optional(),
  rotary: z.enum(['interleaved', 'half']).optional(),
  w2: z.enum(['up', 'down']).optional(),
  dtype: z.enum(dtypes).optional(),
  force: z.boolean().optional(),
});
true satisfies SameShape<z.input<typeof writeInternEvoOptions>, WriteInternEvoOptions>;

const HF_DTYPES: Readonly<Record<string, InternEvoDtype>> = { F32: 'float32', BF16: 'bfloat16', F16: 'float16' };

/**
 * Writes the Hugging Face LLaMA folder `hfFolder` as an InternEvo LLAMA2 checkpoint in `outDir`:
 * `model_tp{t}_pp{p}.pt` for every rank, in PyTorch's checkpoint format. Throws
 * `SourceCheckpointError` for a folder that is not a consistent LLaMA model, `InvalidArgumentError`
 * for a split that does not fit it (the message lists the sizes that do), `OutputExistsError` when
 * `outDir` exists without `force`; nothing is left behind on error.
 */
export async function writeInternEvoCheckpoint(
  hfFolder: string,
  outDir: string,
  options: WriteInternEvoOptions,
): Promise<WrittenInternEvo> {
  const opts = parseOptions(writeInternEvoOptions, options, 'writeInternEvoCheckpoint');
  const { config, attentionBias, configPath } = await readFolderLlamaConfig(hfFolder);
  checkSplit(config, opts, hfFolder);
  const rotary = opts.rotary ?? 'half';
  const modelConfig = internEvoModelConfig(config, attentionBias, { rotary }, configPath);
  const weights = await openHfCheckpoint(hfFolder);
  try {
    const notes = checkWeights(weights, config, attentionBias, hfFolder);
    const sourceDtype = HF_DTYPES[weights.info(EMBED).dtype];
    const split: InternEvoSplit = {
      tp: opts.tp,
      pp: opts.pp,
      rotary,
      w2: opts.w2 ?? 'down',
      dtype: opts.dtype ?? sourceDtype,
    };
    if (config.tieWordEmbeddings) notes.push('tied embeddings: output.weight is a copy of the embedding (InternEvo does not tie them)');
    const read = (name: string) => weights.readTensorAsFloat32(name);
    const files: string[] = [];
    await withTempDir(
      outDir,
      async (temp) => {
        for (let p = 0; p < split.pp; p++) {
          for (let t = 0; t < split.tp; t++) {
            const name = `model_tp${t}_pp${p}.pt`;
            await writeTorchStateDict(join(temp, name), shardTensors(config, attentionBias, split, t, p, read));
            files.push(name);
          }
        }
        await writeFile(join(temp, 'model_config.pt'), encodeInternEvoModelConfig({ ...modelConfig, tinylm_mlp_w2: split.w2 }));
      },
      { force: opts.force },
    );
    return {
      dir: outDir,
      files,
      tp: split.tp,
      pp: split.pp,
      stages: partitionUniform(config.numLayers, split.pp),
      dtype: split.dtype,
      rotary: split.rotary,
      w2: split.w2,
      modelConfig,
      notes,
    };
  } finally {
    await weights.close();
  }
}

/**
 * The `model = dict(...)` keys (InternEvo's names, modeling_llama.py build_model_with_cfg) that
 * describe these shards; the training config must give the same values. InternEvo builds the FFN
 * as 256 * ceil(int(hidden * mlp_ratio) / 256) (FeedForward's multiple_of, not a config key), so
 * an FFN width that no mlp_ratio reproduces cannot be loaded: refused, with the nearest widths.
 */
export function internEvoModelConfig(
  config: LlamaConfig,
  attentionBias: boolean,
  split: Pick<InternEvoSplit, 'rotary'>,
  source: string,
): Record<string, number | boolean | string> {
  const fit = mlpRatioFor(config.hiddenSize, config.intermediateSize);
  if (!fit) {
    const below = Math.floor(config.intermediateSize / INTERNEVO_MULTIPLE_OF) * INTERNEVO_MULTIPLE_OF;
    throw new InvalidArgumentError({
      field: 'intermediate_size',
      value: config.intermediateSize,
      file: source,
      reason: `InternEvo's LLAMA2 FeedForward rounds int(hidden_size * mlp_ratio) up to a multiple of ${INTERNEVO_MULTIPLE_OF}, so no mlp_ratio builds this FFN width`,
      allowed: `a multiple of ${INTERNEVO_MULTIPLE_OF} (e.g. ${[below, below + INTERNEVO_MULTIPLE_OF].filter((n) => n > 0).join(' or ')})`,
    });
  }
  return {
    num_layers: config.numLayers,
    hidden_size: config.hiddenSize,
    num_attention_heads: config.numHeads,
    num_kv_attention_heads: config.numKvHeads ?? config.numHeads,
    vocab_size: config.vocabSize,
    mlp_ratio: fit.ratio,
    layer_norm_epsilon: config.rmsNormEps,
    rope_base: config.ropeTheta,
    norm_type: 'rmsnorm',
    no_bias: !attentionBias,
    embed_split_hidden: true,
    adapt_hf: split.rotary === 'half',
    qk_interleaved: split.rotary === 'interleaved',
  };
}
