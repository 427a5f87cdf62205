// Autoregressive generation with a KV cache: one forward pass over the prompt (prefill), then
// one token at a time, each attending to the cached keys and values.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '@tinylm/kernels';
import { KvCache } from './kv-cache';
import type { LlamaModel } from './model';
import { type SamplingOptions, sampleToken, seededRandom } from './sampling';
import { parseOptions } from '@tinylm/errors';
import { generateOptions } from './options';

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Stop after emitting one of these ids (e.g. the tokenizer's eos). */
  stopIds?: number[];
  /** Keep the logits row that chose each new token (for tests and interop checks). */
  returnLogits?: boolean;
  /** Called with each new id as it is chosen. */
  onToken?: (id: number) => void;
}

export interface GenerateResult {
  /** The new ids only (the prompt is not repeated). */
  ids: number[];
  /** With returnLogits: the logits row each new id was chosen from. */
  logits?: Float32Array[];
}

export async function generate(model: LlamaModel, prompt: number[], options: GenerateOptions): Promise<GenerateResult> {
  options = parseOptions(generateOptions, options, 'generate');
  if (prompt.length === 0) throw new ArgumentError('generate: the prompt must hold at least one token id');
  const v = model.config.vocabSize;
  const bad = prompt.find((id) => !Number.isInteger(id) || id < 0 || id >= v);
  if (bad !== undefined) throw new ArgumentError(`generate: prompt id ${bad} is outside the vocabulary [0, ${v})`);
  if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 0) {
    throw new ArgumentError(`generate: maxNewTokens must be a non-negative integer, got ${options.maxNewTokens}`);
  }
  const room = model.config.maxPositionEmbeddings - prompt.length;
  const steps = Math.min(options.maxNewTokens, room);
  const random = seededRandom(options.seed ?? 0);
  const { greedy, temperature, topK, topP, seed } = options;
  const sampling = { greedy, temperature, topK, topP, seed };
  const cache = new KvCache(model.config.numLayers);
  const out: GenerateResult = { ids: [], logits: options.returnLogits ? [] : undefined };
  try {
    let input = prompt;
    for (let s = 0; s < steps; s++) {
      const row = tf.tidy(() => {
        const logits = model.forward(tf.tensor2d([input], [1, input.length], 'int32'), cache); // (1, T, V)
        return tf.reshape(tf.slice(logits, [0, input.length - 1, 0], [1, 1, v]), [v]); // (V)
      });
      const values = (await row.data()) as Float32Array;
      row.dispose();
      const id = sampleToken(values, sampling, random);
      out.ids.push(id);
      out.logits?.push(values);
      options.onToken?.(id);
      if (options.stopIds?.includes(id)) break;
      input = [id];
    }
  } finally {
    cache.dispose();
  }
  return out;
}
