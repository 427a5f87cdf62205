// The arena layout and the packed micro-batch, on the host (no GPU): fused groups contiguous and
// aligned, decayed tensors first, arenas split at the binding limit with an error naming the tensor
// that cannot fit; the embedding gradient's plan equals a direct scatter; bad ids named.
import { MemoryError, ArgumentError } from '@tinylm/kernels';
import { resolveConfig } from '@tinylm/arch-config';
import { describe, expect, it } from 'vitest';
import { layerName, paramSpecs } from '../param-names';
import { batchLayout, packBatch } from './batch';
import { planArenas } from './layout';

const config = resolveConfig({
  vocabSize: 100,
  hiddenSize: 40,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: 70,
  maxPositionEmbeddings: 32,
});
const matricesDecay = (_: string, shape: readonly number[]) => shape.length >= 2;

describe('planArenas', () => {
  it('places q, k, v and gate, up side by side, decayed tensors first, every group 256-byte aligned', () => {
    const layout = planArenas(config, matricesDecay, 1 << 20);
    expect(layout.arenas).toHaveLength(1);
    const at = (leaf: string) => layout.params.get(layerName(1, leaf))!;
    const [q, k, v] = ['self_attn.q_proj.weight', 'self_attn.k_proj.weight', 'self_attn.v_proj.weight'].map(at);
    expect(k.offset).toBe(q.offset + q.size);
    expect(v.offset).toBe(k.offset + k.size);
    expect(at('mlp.up_proj.weight').offset).toBe(at('mlp.gate_proj.weight').offset + at('mlp.gate_proj.weight').size);
    for (const g of layout.groups.values()) expect(g.offset % 64).toBe(0);
    // every matrix below decayEnd, every norm weight above it
    for (const spec of paramSpecs(config)) {
      const p = layout.params.get(spec.name)!;
      if (spec.shape.length === 2) expect(p.offset + p.size).toBeLessThanOrEqual(layout.decayEnds[0]);
      else expect(p.offset).toBeGreaterThanOrEqual(layout.decayEnds[0]);
    }
    expect(layout.params.size).toBe(paramSpecs(config).length);
  });

  it('splits into arenas at the limit, and names a tensor too big for any binding', () => {
    const layout = planArenas(config, matricesDecay, 12000);
    expect(layout.arenas.length).toBeGreaterThan(1);
    for (const n of layout.arenas) expect(n).toBeLessThanOrEqual(12000);
    const spans = [...layout.params.values()].map((p) => [p.arena, p.offset, p.offset + p.size]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let i = 1; i < spans.length; i++) if (spans[i][0] === spans[i - 1][0]) expect(spans[i][1]).toBeGreaterThanOrEqual(spans[i - 1][2]);
    expect(() => planArenas(config, matricesDecay, 3000)).toThrow(MemoryError);
    expect(() => planArenas(config, matricesDecay, 3000)).toThrow(/model\.embed_tokens\.weight \(4000 floats/);
  });

  it('refuses a decay rule that splits a fused group', () => {
    const odd = (name: string, shape: readonly number[]) => shape.length >= 2 && !name.endsWith('k_proj.weight');
    expect(() => planArenas(config, odd, 1 << 20)).toThrow(/fuses .*q_proj.*k_proj.*v_proj.*decays only some/);
  });
});

describe('packBatch', () => {
  it('lists each distinct id with its positions in order, and the loss scale', () => {
    const ids = Int32Array.from([5, 3, 5, 9, 3, 5]);
    const targets = Int32Array.from([1, -100, 2, 3, 4, 5]);
    const packed = packBatch(ids, targets, 10, 2);
    const at = batchLayout(6);
    expect(Array.from(packed.subarray(at.ids, at.ids + 6))).toEqual([5, 3, 5, 9, 3, 5]);
    expect(Array.from(packed.subarray(at.targets, at.targets + 6))).toEqual([1, -1, 2, 3, 4, 5]);
    const unique = at.scatter;
    const starts = unique + 6;
    const positions = starts + 7;
    const count = packed[positions + 6];
    expect(count).toBe(3);
    // rebuild the scatter from the plan and compare with a direct one
    const direct = new Map<number, number[]>();
    ids.forEach((id, r) => direct.set(id, [...(direct.get(id) ?? []), r]));
    for (let u = 0; u < count; u++) {
      const id = packed[unique + u];
      expect(Array.from(packed.subarray(positions + packed[starts + u], positions + packed[starts + u + 1]))).toEqual(direct.get(id));
    }
    expect(new Float32Array(packed.buffer, at.scale * 4, 1)[0]).toBeCloseTo(1 / (5 * 2), 7);
  });

  it('names an id or target outside the vocabulary', () => {
    expect(() => packBatch(Int32Array.from([1, 10]), Int32Array.from([0, 0]), 10, 1)).toThrow(ArgumentError);
    expect(() => packBatch(Int32Array.from([1, 10]), Int32Array.from([0, 0]), 10, 1)).toThrow(
      /ids\[1\] = 10 is outside the vocabulary \[0, 10\)/,
    );
    expect(() => packBatch(Int32Array.from([1, 2]), Int32Array.from([0, -3]), 10, 1)).toThrow(/targets\[1\] = -3/);
  });
});
