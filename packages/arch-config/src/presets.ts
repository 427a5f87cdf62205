// Named model configs: the paper's PanGu-π models, two public LLaMA-2 models used as exact
// yardsticks, the benchmark shapes of packages/cli/bench/torch_train_ref.py and tiny shapes for tests/demos.
// Sources: the PanGu-π Pro README figure and configs/LLM1B.py (Tang et al. 2024, arXiv
// 2402.02791); meta-llama/Llama-2-7b-hf and TinyLlama/TinyLlama-1.1B config.json.
// Each preset's `notes` says what its source leaves open and what was chosen.
// A frozen name -> preset map with an error listing the valid names, as transformers.js does.

import { resolveConfig, type LlamaConfig, type LlamaConfigInput } from './config';
import { UnknownPresetError } from './errors';

/** A named config with its provenance. */
export interface Preset {
  readonly name: string;
  readonly config: LlamaConfig;
  /** Where the numbers come from. */
  readonly source: string;
  /** What the source leaves open and what was chosen. */
  readonly notes: string;
  /** The FFN expansion rate the source states, when it states one. */
  readonly mlpRatio?: number;
}

function preset(name: string, input: LlamaConfigInput, source: string, notes: string): Preset {
  return Object.freeze({
    name,
    config: resolveConfig(input, `preset ${name}`),
    source,
    notes,
    ...(input.mlpRatio !== undefined ? { mlpRatio: input.mlpRatio } : {}),
  });
}

const LIST: readonly Preset[] = [
  preset(
    'pangu-pi-1b',
    { vocabSize: 100883, hiddenSize: 2048, numLayers: 12, numHeads: 16, mlpRatio: 8 / 3, maxPositionEmbeddings: 2048 },
    'PanGu-π Pro README, model configuration figure (PanGu-π-1B row); paper §compact tokenizer (100,883 tokens)',
    "The baseline before the paper's tweaks. FFN from mlp_ratio 8/3 by InternEvo's rule: int(2048·8/3) = 5461 -> 5632. " +
      "Counted as a plain LLaMA-2 decoder: PanGu-π's own extra modules (augmented shortcuts, series activation) are not modelled, " +
      "which is why the embedding share here (40.1%) sits above the paper's 38.19%. " +
      'max_position_embeddings 2048 = the released SEQ_LEN; special-token ids and init std not published (init 0.02 = InternEvo default).',
  ),
  preset(
    'pangu-pi-1b-pro',
    { vocabSize: 48000, hiddenSize: 1792, numLayers: 20, numHeads: 14, mlpRatio: 8 / 3, maxPositionEmbeddings: 2048 },
    'configs/LLM1B.py of the PanGu-π Pro release (HIDDEN_SIZE 1792, NUM_ATTENTION_HEAD 14, MLP_RATIO 8/3, NUM_LAYER 20, VOCAB_SIZE 48000, SEQ_LEN 2048)',
    "The paper's configuration figure says 21 layers; the released config says 20. 20 is used: it is what was released, and it " +
      "reproduces the paper's 18.07% embedding share exactly (21 layers gives 17.36%). FFN int(1792·8/3) = 4778 -> 4864. " +
      'Special-token ids not published.',
  ),
  preset(
    'pangu-pi-1.5b-pro',
    { vocabSize: 48000, hiddenSize: 2048, numLayers: 22, numHeads: 16, mlpRatio: 3.375, maxPositionEmbeddings: 2048 },
    'PanGu-π Pro README, model configuration figure (PanGu-π-1.5B Pro row: hidden 2048, 22 layers, 16 heads, vocab 48,000)',
    'The FFN size is not stated. Chosen: mlp_ratio 3.375 -> intermediate 6912 (27·256), the multiple of 256 that makes the model ' +
      '1.50B parameters (1,500,080,128) as its name says. mlp_ratio 8/3 (5632, like the other two) would give 1.33B. ' +
      'Special-token ids not published.',
  ),
  preset(
    'llama2-7b',
    {
      vocabSize: 32000,
      hiddenSize: 4096,
      numLayers: 32,
      numHeads: 32,
      numKvHeads: 32,
      intermediateSize: 11008,
      maxPositionEmbeddings: 4096,
      bosTokenId: 1,
      eosTokenId: 2,
    },
    'meta-llama/Llama-2-7b-hf config.json',
    'Exact: 6,738,415,616 parameters. No pad token in the release.',
  ),
  preset(
    'tinyllama-1.1b',
    {
      vocabSize: 32000,
      hiddenSize: 2048,
      numLayers: 22,
      numHeads: 32,
      numKvHeads: 4,
      intermediateSize: 5632,
      maxPositionEmbeddings: 2048,
      bosTokenId: 1,
      eosTokenId: 2,
    },
    'TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T config.json',
    'Exact: 1,100,048,384 parameters. GQA with 4 KV heads (head size 64).',
  ),
  preset(
    'bench-5m',
    { vocabSize: 4096, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 688, maxPositionEmbeddings: 128 },
    'packages/cli/bench/torch_train_ref.py PRESETS["bench-5m"] (V 4096, D 256, L 4, H 4, FF 688, B 8, T 128)',
    'Benchmark shape, same as the PyTorch reference: no biases, untied head, RMSNorm eps 1e-5, RoPE base 10000. ' +
      "5,261,568 parameters = sum(p.numel()) of that script's Model. max_position_embeddings = its T (128). " +
      'FFN 688 is not a multiple of 256, so it has no exact InternEvo mlp_ratio.',
  ),
  preset(
    'bench-20m',
    { vocabSize: 8192, hiddenSize: 384, numLayers: 8, numHeads: 6, intermediateSize: 1024, maxPositionEmbeddings: 256 },
    'packages/cli/bench/torch_train_ref.py PRESETS["bench-20m"] (V 8192, D 384, L 8, H 6, FF 1024, B 8, T 256)',
    'Benchmark shape, same as the PyTorch reference: no biases, untied head, head size 64. ' +
      "20,453,760 parameters = sum(p.numel()) of that script's Model. max_position_embeddings = its T (256).",
  ),
  preset(
    'bench-100m',
    { vocabSize: 8192, hiddenSize: 768, numLayers: 12, numHeads: 12, intermediateSize: 2048, maxPositionEmbeddings: 256 },
    'packages/cli/bench/torch_train_ref.py PRESETS["bench-100m"] (V 8192, D 768, L 12, H 12, FF 2048, B 8, T 256)',
    'Benchmark shape, same as the PyTorch reference: no biases, untied head, head size 64, FFN 2048 = 8/3·768 exactly. ' +
      "97,536,768 parameters = sum(p.numel()) of that script's Model (87% of them in the 12 layers). " +
      'max_position_embeddings = its T (256). Bound a CPU run with --max-seconds: one step is about 1.2 TFLOP.',
  ),
  preset(
    'tiny-1m',
    { vocabSize: 1024, hiddenSize: 128, numLayers: 4, numHeads: 4, intermediateSize: 352, maxPositionEmbeddings: 256 },
    'tinylm: a demo shape that trains in minutes on two CPU cores',
    'Not from a publication. 1,066,112 parameters, head size 32, FFN 352 = 8/3·128 rounded up to a multiple of 32; ' +
      'vocab 1024 suits a byte-level or pruned tokenizer. No exact InternEvo mlp_ratio (352 is not a multiple of 256).',
  ),
  preset(
    'tiny-100k',
    {
      vocabSize: 256,
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      intermediateSize: 176,
      maxPositionEmbeddings: 128,
      tieWordEmbeddings: true,
    },
    'tinylm: a test shape (byte vocabulary) that exercises GQA and tied embeddings',
    'Not from a publication. 108,864 parameters, head size 16, 2 KV heads, tied LM head (unlike LLaMA-2). ' +
      'InternEvo export is refused: its LLAMA2 model has no tied head.',
  ),
];

/** Every preset by name (frozen). */
export const PRESETS: Readonly<Record<string, Preset>> = Object.freeze(Object.fromEntries(LIST.map((p) => [p.name, p])));

/** Preset names in a stable order (paper models, public LLaMA models, bench shapes, tiny shapes). */
export function presetNames(): string[] {
  return LIST.map((p) => p.name);
}

/** True when `name` is a preset. */
export function isPresetName(name: string): boolean {
  return Object.hasOwn(PRESETS, name);
}

/** The preset called `name`; throws `UnknownPresetError` listing the valid names. */
export function getPreset(name: string): Preset {
  if (!isPresetName(name)) throw new UnknownPresetError(name, presetNames());
  return PRESETS[name];
}
