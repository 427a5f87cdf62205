// The LLaMA-2 decoder (Touvron et al. 2023) on @tinylm/kernels, read top to bottom:
//   x = embed(ids)
//   for each layer:  x = x + o_proj(attn(rope(q_proj(n1(x))), rope(k_proj(n1(x))), v_proj(n1(x))))
//                    x = x + down_proj(silu(gate_proj(n2(x))) * up_proj(n2(x)))
//   logits = lm_head(norm(x))
// Pre-norm RMSNorm, rotary embeddings in Hugging Face's half-split convention, grouped-query
// attention, SwiGLU, no biases: the math of transformers' LlamaForCausalLM, with its names.
import * as tf from '@tensorflow/tfjs-core';
import { type LlamaConfig, resolveConfig, type LlamaConfigInput } from '@tinylm/arch-config';
import {
  ArgumentError,
  applyRotary,
  causalSelfAttention,
  crossEntropy,
  embedding,
  rmsNorm,
  rotaryTables,
  swigluMlp,
} from '@tinylm/kernels';
import { type InitOptions, initParams } from './init';
import type { KvCache } from './kv-cache';
import { EMBED, FINAL_NORM, LM_HEAD, layerName, paramSpecs } from './param-names';
import { parseOptions } from '@tinylm/errors';
import { initOptions } from './options';

const BTHD = { layout: 'bthd' } as const;

export class LlamaModel {
  readonly config: LlamaConfig;
  /** Parameters by Hugging Face name, (out, in) layout. */
  readonly params: Map<string, tf.Variable>;

  constructor(config: LlamaConfig, params: Map<string, tf.Variable>) {
    this.config = config;
    for (const spec of paramSpecs(config)) {
      const p = params.get(spec.name);
      if (!p) throw new ArgumentError(`LlamaModel: missing parameter ${spec.name}`);
      if (p.shape.join() !== spec.shape.join()) {
        throw new ArgumentError(`LlamaModel: ${spec.name} has shape [${p.shape}], the config needs [${spec.shape}]`);
      }
    }
    this.params = params;
  }

  /** A randomly initialised model (see init.ts for the scheme; seeded, same on every backend). */
  static create(config: LlamaConfig | LlamaConfigInput, options: InitOptions = {}): LlamaModel {
    options = parseOptions(initOptions, options, 'LlamaModel.create');
    const c = resolveConfig(config as LlamaConfigInput);
    return new LlamaModel(c, initParams(c, options));
  }

  private p(name: string): tf.Variable {
    return this.params.get(name)!;
  }

  /** Parameters as a plain object (for tf.variableGrads and the optimizer). */
  namedParams(): Record<string, tf.Variable> {
    return Object.fromEntries(this.params);
  }

  /**
   * ids (B, T) int32 -> logits (B, T, V). With a cache, the ids continue the cached sequence
   * and their keys/values are appended to it.
   */
  forward(ids: tf.Tensor, cache?: KvCache): tf.Tensor3D {
    const c = this.config;
    if (ids.rank !== 2) throw new ArgumentError(`LlamaModel.forward: ids must have rank 2 (batch, seq), got shape [${ids.shape}]`);
    const [b, t] = ids.shape as [number, number];
    const offset = cache?.length ?? 0;
    if (offset + t > c.maxPositionEmbeddings) {
      throw new ArgumentError(`LlamaModel.forward: ${offset + t} positions exceed maxPositionEmbeddings (${c.maxPositionEmbeddings})`);
    }
    const [h, kvh, d] = [c.numHeads, c.numKvHeads, c.hiddenSize / c.numHeads];
    return tf.tidy(() => {
      const rope = rotaryTables(t, d, c.ropeTheta, offset); // (T, D) each
      let x = embedding(this.p(EMBED), ids); // (B, T, C)
      for (let i = 0; i < c.numLayers; i++) {
        const w = (leaf: string) => this.p(layerName(i, leaf));
        // attention
        const hn = tf.reshape(rmsNorm(x, w('input_layernorm.weight'), c.rmsNormEps), [b * t, c.hiddenSize]); // (B*T, C)
        // heads stay where the projection puts them, (B, T, n, D): no transposes ('bthd' layout)
        const heads = (proj: string, n: number) => tf.reshape(tf.matMul(hn, w(proj), false, true), [b, t, n, d]); // (B, T, n, D)
        const q = applyRotary(heads('self_attn.q_proj.weight', h), rope, BTHD); // (B, T, H, D)
        let k = applyRotary(heads('self_attn.k_proj.weight', kvh), rope, BTHD); // (B, T, KV, D)
        let v = heads('self_attn.v_proj.weight', kvh); // (B, T, KV, D)
        if (cache) ({ k, v } = cache.append(i, k, v)); // (B, S, KV, D)
        const att = causalSelfAttention(q, k, v, BTHD); // (B, T, H, D)
        const merged = tf.reshape(att, [b * t, c.hiddenSize]); // (B*T, C)
        x = tf.add(x, tf.reshape(tf.matMul(merged, w('self_attn.o_proj.weight'), false, true), [b, t, c.hiddenSize]));
        // feed-forward
        const hn2 = rmsNorm(x, w('post_attention_layernorm.weight'), c.rmsNormEps); // (B, T, C)
        x = tf.add(x, swigluMlp(hn2, w('mlp.gate_proj.weight'), w('mlp.up_proj.weight'), w('mlp.down_proj.weight')));
      }
      const xf = tf.reshape(rmsNorm(x, this.p(FINAL_NORM), c.rmsNormEps), [b * t, c.hiddenSize]); // (B*T, C)
      const head = c.tieWordEmbeddings ? this.p(EMBED) : this.p(LM_HEAD); // (V, C)
      return tf.reshape(tf.matMul(xf, head, false, true), [b, t, c.vocabSize]) as tf.Tensor3D; // (B, T, V)
    });
  }

  /** Mean next-token cross-entropy: ids and targets (B, T) int32; targets = -100 are ignored. */
  loss(ids: tf.Tensor, targets: tf.Tensor): tf.Scalar {
    return tf.tidy(() => crossEntropy(this.forward(ids), targets));
  }

  /** Number of parameters actually held (equals arch-config's count). */
  numParams(): number {
    let n = 0;
    for (const p of this.params.values()) n += p.size;
    return n;
  }

  dispose(): void {
    for (const p of this.params.values()) p.dispose();
    this.params.clear();
  }
}
