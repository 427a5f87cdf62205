// The first phase of building an InternEvo model: the sizes read from the tensors' shapes (hidden
// size from the final norm, vocabulary from the embedding, which dimension the embedding is split
// along, layer count, head count from the config), each checked against the model config.
import type { InternEvoModelConfig } from './internevo-config';
import type { Layout } from './internevo-layout';
import { badShape, fail, type MergedParts, type Part } from './internevo-parts';

export interface ModelSizes {
  hidden: number;
  vocab: number;
  embedKey: string;
  embedParts: Part[];
  /** The embedding's tensor-parallel split: 0 along the vocabulary, 1 along the hidden dimension. */
  embedDim: 0 | 1;
  headParts: Part[];
  numLayers: number;
  numHeads: number;
  headDim: number;
  /** Matches a layer key, capturing its index. */
  layerKey: RegExp;
}

export function readModelSizes(parts: MergedParts, layout: Layout, modelConfig: InternEvoModelConfig, configSource: string): ModelSizes {
  const { dir, tensorParallel: tp } = parts;
  const checkConfig = (field: keyof InternEvoModelConfig, value: number, key: string, part: Part) => {
    const given = modelConfig[field];
    if (given !== undefined && given !== value)
      badShape(part, key, `it implies ${String(field)} = ${value}, but ${configSource} says ${String(given)}`);
  };

  const finalNorm = parts.need('norm.weight');
  if (finalNorm[0].tensor.shape.length !== 1) badShape(finalNorm[0], 'norm.weight', 'expected a vector');
  const hidden = finalNorm[0].tensor.shape[0];
  checkConfig('hidden_size', hidden, 'norm.weight', finalNorm[0]);

  const embedKey = layout.embed.find((k) => parts.has(k));
  if (!embedKey) fail(`${dir}: no embedding (${layout.embed.join(' or ')}) in the checkpoint`, { file: dir });
  const embedParts = parts.need(embedKey);
  const embedDim = embeddingSplit(embedKey, embedParts, hidden, tp, modelConfig, configSource);
  for (const part of embedParts) {
    const s = part.tensor.shape;
    if (s.length !== 2 || (embedDim === 1 ? s[1] * tp !== hidden : s[1] !== hidden)) {
      badShape(
        part,
        embedKey,
        `expected [vocab${embedDim === 0 && tp > 1 ? `/${tp}` : ''}, ${embedDim === 1 ? `${hidden}/${tp}` : hidden}]`,
      );
    }
  }
  const vocab = embedDim === 0 ? embedParts.reduce((n, p) => n + p.tensor.shape[0], 0) : embedParts[0].tensor.shape[0];
  if (embedDim === 1 && embedParts.some((p) => p.tensor.shape[0] !== vocab))
    badShape(embedParts[1], embedKey, 'ranks disagree on the vocabulary size');
  checkConfig('vocab_size', vocab, embedKey, embedParts[0]);

  const headParts = parts.need(layout.head);
  const headRows = headParts.reduce((n, p) => n + p.tensor.shape[0], 0);
  for (const part of headParts)
    if (part.tensor.shape.length !== 2 || part.tensor.shape[1] !== hidden) badShape(part, layout.head, `expected [vocab/${tp}, ${hidden}]`);
  if (headRows !== vocab) badShape(headParts[0], layout.head, `its ${headRows} rows (all ranks) differ from the embedding's ${vocab}`);

  const layerKey = new RegExp(`^${layout.prefix}\\.(\\d+)\\.`);
  const numLayers = countLayers(parts, layout, layerKey);
  if (modelConfig.num_layers !== undefined && modelConfig.num_layers !== numLayers) {
    fail(`${dir}: the shards hold ${numLayers} layers, but ${configSource} says num_layers=${modelConfig.num_layers}`, {
      file: dir,
      field: 'num_layers',
    });
  }
  const numHeads = modelConfig.num_attention_heads;
  if (numHeads === undefined) {
    fail(
      `${dir}: the number of attention heads is not recorded in InternEvo's shards; keep model_config.pt beside them or give num_attention_heads (--num-heads)`,
      { file: dir, field: 'num_attention_heads' },
    );
  }
  if (!Number.isInteger(numHeads) || numHeads < 1 || hidden % numHeads !== 0) {
    fail(`${configSource}: num_attention_heads=${numHeads} does not divide hidden size ${hidden}`, { field: 'num_attention_heads' });
  }
  return { hidden, vocab, embedKey, embedParts, embedDim, headParts, numLayers, numHeads, headDim: hidden / numHeads, layerKey };
}

function embeddingSplit(
  embedKey: string,
  embedParts: Part[],
  hidden: number,
  tp: number,
  modelConfig: InternEvoModelConfig,
  configSource: string,
): 0 | 1 {
  if (tp === 1 || embedKey.endsWith('word_embeddings.weight')) return 0;
  const cols = embedParts[0].tensor.shape[1];
  const dim =
    cols * tp === hidden
      ? 1
      : cols === hidden
        ? 0
        : badShape(
            embedParts[0],
            embedKey,
            `neither a hidden-dimension split (${hidden}/${tp}) nor a vocabulary split of hidden size ${hidden}`,
          );
  if (modelConfig.embed_split_hidden !== undefined && modelConfig.embed_split_hidden !== (dim === 1)) {
    badShape(
      embedParts[0],
      embedKey,
      `the shards are split along the ${dim === 1 ? 'hidden' : 'vocabulary'} dimension, but ${configSource} says embed_split_hidden=${modelConfig.embed_split_hidden}`,
    );
  }
  return dim;
}

function countLayers(parts: MergedParts, layout: Layout, layerKey: RegExp): number {
  const ids = new Set<number>();
  for (const key of parts.keys()) {
    const m = layerKey.exec(key);
    if (m) ids.add(Number(m[1]));
  }
  const count = ids.size;
  for (let i = 0; i < count; i++) {
    if (!ids.has(i))
      fail(`${parts.dir}: layer ${i} is missing (layers found: ${[...ids].sort((a, b) => a - b).join(', ')})`, { file: parts.dir });
  }
  if (count === 0) fail(`${parts.dir}: the checkpoint has no ${layout.prefix}.{i} layers`, { file: parts.dir });
  return count;
}
