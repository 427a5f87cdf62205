// Shard planning as huggingface_hub's split_state_dict_into_shards_factory does it.

import { describe, expect, it } from 'vitest';
import type { TensorSpec } from './header-serialize';
import { planShards, shardFileName } from './shard-plan';

const t = (name: string, bytes: number): TensorSpec => ({ name, dtype: 'U8', shape: [bytes] });

describe('planShards (huggingface_hub split_state_dict_into_shards_factory)', () => {
  it('one file named model.safetensors when everything fits', () => {
    const plan = planShards([t('a', 10), t('b', 20)], 100);
    expect(plan.sharded).toBe(false);
    expect(plan.shards).toEqual([{ file: 'model.safetensors', tensors: ['a', 'b'], byteLength: 30 }]);
    expect(plan.totalSize).toBe(30);
  });

  it('starts a new shard when the next tensor would go past the maximum', () => {
    const plan = planShards([t('a', 40), t('b', 40), t('c', 40), t('d', 100)], 100);
    expect(plan.shards.map((s) => [s.file, s.tensors])).toEqual([
      ['model-00001-of-00003.safetensors', ['a', 'b']],
      ['model-00002-of-00003.safetensors', ['c']],
      ['model-00003-of-00003.safetensors', ['d']],
    ]);
    expect(plan.weightMap).toEqual({
      a: 'model-00001-of-00003.safetensors',
      b: 'model-00001-of-00003.safetensors',
      c: 'model-00002-of-00003.safetensors',
      d: 'model-00003-of-00003.safetensors',
    });
    expect(plan.totalSize).toBe(220);
  });

  it('gives a tensor larger than the maximum its own shard, and the current shard goes on', () => {
    const plan = planShards([t('a', 10), t('huge', 500), t('b', 10)], 100);
    expect(plan.shards.map((s) => s.tensors)).toEqual([['huge'], ['a', 'b']]);
  });

  it('counts bytes from dtype x shape', () => {
    const plan = planShards(
      [
        { name: 'w', dtype: 'BF16', shape: [10, 5] },
        { name: 'v', dtype: 'F32', shape: [26] },
      ],
      100,
    );
    // v (104 bytes) is over the maximum, so it gets a shard at once, before w's shard closes.
    expect(plan.shards.map((s) => [s.tensors[0], s.byteLength])).toEqual([
      ['v', 104],
      ['w', 100],
    ]);
  });

  it('names shards with five digits and keeps the weights name', () => {
    expect(shardFileName('model.safetensors', 0, 2)).toBe('model-00001-of-00002.safetensors');
    expect(shardFileName('adapter_model.safetensors', 11, 123)).toBe('adapter_model-00012-of-00123.safetensors');
  });
});
