// Key/value cache for incremental decoding: per layer, the keys and values of every position
// seen so far, (B, S, KV, D) (the model's 'bthd' head layout). The model appends to it in forward(); tensors are kept outside
// tf.tidy and disposed when replaced or when the cache is disposed.
import * as tf from '@tensorflow/tfjs-core';

export class KvCache {
  private readonly keys: (tf.Tensor | undefined)[];
  private readonly values: (tf.Tensor | undefined)[];

  constructor(numLayers: number) {
    this.keys = new Array(numLayers).fill(undefined);
    this.values = new Array(numLayers).fill(undefined);
  }

  /** Positions already cached (the offset of the next token). */
  get length(): number {
    return this.keys[0]?.shape[1] ?? 0;
  }

  /** Appends k, v (B, T, KV, D) for `layer`; returns everything cached, (B, S + T, KV, D). */
  append(layer: number, k: tf.Tensor, v: tf.Tensor): { k: tf.Tensor; v: tf.Tensor } {
    const oldK = this.keys[layer];
    const oldV = this.values[layer];
    const allK = oldK ? tf.concat([oldK, k], 1) : tf.clone(k);
    const allV = oldV ? tf.concat([oldV, v], 1) : tf.clone(v);
    this.keys[layer] = tf.keep(allK);
    this.values[layer] = tf.keep(allV);
    oldK?.dispose();
    oldV?.dispose();
    return { k: allK, v: allV };
  }

  dispose(): void {
    for (const t of [...this.keys, ...this.values]) t?.dispose();
    this.keys.fill(undefined);
    this.values.fill(undefined);
  }
}
