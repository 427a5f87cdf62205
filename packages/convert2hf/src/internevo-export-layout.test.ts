// The InternEvo export layout, without files: the shards' names and shapes for a GQA model with
// biases, and every Hugging Face tensor rebuilt from them by InternEvo's own merge rules
// (tools/convert_ckpt_parallel.py: concatenation along each parameter's tp dim, rank-0 row-parallel
// bias, pipeline layer shift), written here independently of the importer; the split refusals.
import { resolveConfig } from '@tinylm/arch-config';
import { bf16BitsToFloat32, float32ArrayToBf16 } from '@tinylm/hf-io';
import { describe, expect, it } from 'vitest';
import { checkSplit, type InternEvoSplit, partitionUniform, shardTensors } from './internevo-export-layout';
import { llamaParams, permuteRotaryRows } from './llama-params';

const config = resolveConfig({
  vocabSize: 12,
  hiddenSize: 16,
  numLayers: 3,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: 8,
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
  maxPositionEmbeddings: 64,
  tieWordEmbeddings: false,
});

/** Hugging Face tensors with distinct values: tensor index * 1000 + element index (exact in float32). */
function hfTensors(bias: boolean): Map<string, { shape: number[]; values: Float32Array }> {
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  llamaParams(config, bias).forEach((p, k) => {
    const n = p.shape.reduce((a, b) => a * b, 1);
    out.set(p.name, { shape: [...p.shape], values: Float32Array.from({ length: n }, (_, i) => k * 1000 + i) });
  });
  return out;
}

function decode(bytes: Uint8Array, dtype: string): Float32Array {
  const copy = bytes.slice();
  if (dtype === 'float32') return new Float32Array(copy.buffer);
  const bits = new Uint16Array(copy.buffer);
  return Float32Array.from(bits, (b) => bf16BitsToFloat32(b));
}

async function shards(split: InternEvoSplit, bias: boolean) {
  const hf = hfTensors(bias);
  const reads: string[] = [];
  const read = async (name: string) => {
    reads.push(name);
    return hf.get(name)!.values.slice();
  };
  const grid: Map<string, { shape: readonly number[]; values: Float32Array }>[][] = [];
  for (let p = 0; p < split.pp; p++) {
    grid.push([]);
    for (let t = 0; t < split.tp; t++) {
      const m = new Map<string, { shape: readonly number[]; values: Float32Array }>();
      for (const [name, tensor] of shardTensors(config, bias, split, t, p, read)) {
        const values = decode(await tensor.data(), tensor.dtype);
        expect(values.length, name).toBe(tensor.shape.reduce((a, b) => a * b, 1));
        m.set(name, { shape: tensor.shape, values });
      }
      grid[p].push(m);
    }
  }
  return { hf, grid, reads };
}

const cat0 = (parts: Float32Array[]) => Float32Array.from(parts.flatMap((p) => [...p]));
function cat1(parts: { shape: readonly number[]; values: Float32Array }[]): Float32Array {
  const rows = parts[0].shape[0];
  const out: number[] = [];
  for (let r = 0; r < rows; r++) for (const p of parts) out.push(...p.values.subarray(r * p.shape[1], (r + 1) * p.shape[1]));
  return Float32Array.from(out);
}

describe('InternEvo export layout', () => {
  it('partition_uniform: extra layers go to the later stages, as InternEvo splits them', () => {
    expect(partitionUniform(5, 2)).toEqual([
      [0, 2],
      [2, 5],
    ]);
    expect(partitionUniform(3, 3)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(partitionUniform(7, 3)).toEqual([
      [0, 2],
      [2, 4],
      [4, 7],
    ]);
  });

  it('tp 2 x pp 2, GQA, biases, interleaved rotary: names, shapes, and every tensor rebuilt exactly', async () => {
    const split: InternEvoSplit = { tp: 2, pp: 2, rotary: 'interleaved', w2: 'down', dtype: 'float32' };
    const { hf, grid, reads } = await shards(split, true);
    // stage 0 holds layer 0 and the embedding; stage 1 layers 1, 2 (as 0, 1), the norm and the head
    expect([...grid[0][0].keys()]).toEqual([
      'model.tok_embeddings.weight',
      ...[
        'attention.wq.weight',
        'attention.wq.bias',
        'attention.wk.weight',
        'attention.wk.bias',
        'attention.wv.weight',
        'attention.wv.bias',
        'attention.wo.weight',
        'attention.wo.bias',
        'attention_norm.weight',
        'ffn_norm.weight',
        'feed_forward.w1.weight',
        'feed_forward.w2.weight',
        'feed_forward.w3.weight',
      ].map((n) => `model.layers.0.${n}`),
    ]);
    expect([...grid[1][1].keys()].filter((k) => !k.startsWith('model.layers.'))).toEqual(['model.norm.weight', 'model.output.weight']);
    expect([...grid[1][1].keys()].some((k) => k.startsWith('model.layers.1.'))).toBe(true);
    expect(grid[1][1].has('model.layers.0.attention.wo.bias')).toBe(false); // rank 0 only
    expect(grid[0][1].get('model.tok_embeddings.weight')!.shape).toEqual([12, 8]); // Embedding1D: hidden split
    expect(grid[1][0].get('model.output.weight')!.shape).toEqual([6, 16]); // head: vocabulary split
    expect(grid[0][1].get('model.layers.0.attention.wk.weight')!.shape).toEqual([4, 16]); // 2 kv heads x 4 / 2 ranks
    expect(grid[0][1].get('model.layers.0.feed_forward.w2.weight')!.shape).toEqual([16, 4]); // down, row-parallel
    expect(grid[0][1].get('model.layers.0.feed_forward.w3.weight')!.shape).toEqual([4, 16]); // up, column-parallel

    // merge back
    const at = (p: number, name: string) => grid[p].map((m) => m.get(`model.${name}`)!);
    const eq = (name: string, values: Float32Array) => expect([...values], name).toEqual([...hf.get(name)!.values]);
    eq('model.embed_tokens.weight', cat1(at(0, 'tok_embeddings.weight')));
    eq('lm_head.weight', cat0(at(1, 'output.weight').map((x) => x.values)));
    eq('model.norm.weight', at(1, 'norm.weight')[1].values);
    const stages = partitionUniform(3, 2);
    for (let i = 0; i < 3; i++) {
      const p = i < stages[0][1] ? 0 : 1;
      const local = `layers.${i - stages[p][0]}.`;
      const hfl = `model.layers.${i}.`;
      const rows = (n: string) => cat0(at(p, local + n).map((x) => x.values));
      eq(`${hfl}self_attn.q_proj.weight`, permuteRotaryRows(rows('attention.wq.weight'), 4, 4, 16));
      eq(`${hfl}self_attn.k_proj.weight`, permuteRotaryRows(rows('attention.wk.weight'), 2, 4, 16));
      eq(`${hfl}self_attn.q_proj.bias`, permuteRotaryRows(rows('attention.wq.bias'), 4, 4, 1));
      eq(`${hfl}self_attn.k_proj.bias`, permuteRotaryRows(rows('attention.wk.bias'), 2, 4, 1));
      eq(`${hfl}self_attn.v_proj.weight`, rows('attention.wv.weight'));
      eq(`${hfl}self_attn.v_proj.bias`, rows('attention.wv.bias'));
      eq(`${hfl}self_attn.o_proj.weight`, cat1(at(p, `${local}attention.wo.weight`)));
      eq(`${hfl}self_attn.o_proj.bias`, grid[p][0].get(`model.${local}attention.wo.bias`)!.values);
      eq(`${hfl}input_layernorm.weight`, at(p, `${local}attention_norm.weight`)[1].values);
      eq(`${hfl}post_attention_layernorm.weight`, at(p, `${local}ffn_norm.weight`)[0].values);
      eq(`${hfl}mlp.gate_proj.weight`, rows('feed_forward.w1.weight'));
      eq(`${hfl}mlp.up_proj.weight`, rows('feed_forward.w3.weight'));
      eq(`${hfl}mlp.down_proj.weight`, cat1(at(p, `${local}feed_forward.w2.weight`)));
    }
    // streaming: each Hugging Face tensor read once per rank that holds a part of it
    expect(reads.filter((n) => n === 'model.layers.0.self_attn.q_proj.weight')).toHaveLength(2);
  });

  it("half rotary keeps the rows, w2: 'up' is v0.2.3's naming, bf16 bytes round the values", async () => {
    const split: InternEvoSplit = { tp: 1, pp: 1, rotary: 'half', w2: 'up', dtype: 'bfloat16' };
    const { hf, grid } = await shards(split, false);
    const m = grid[0][0];
    const bf = (v: Float32Array) => Float32Array.from(float32ArrayToBf16(v), (b) => bf16BitsToFloat32(b));
    expect([...m.get('model.layers.1.attention.wq.weight')!.values]).toEqual([
      ...bf(hf.get('model.layers.1.self_attn.q_proj.weight')!.values),
    ]);
    expect(m.get('model.layers.1.feed_forward.w2.weight')!.shape).toEqual([8, 16]); // up
    expect([...m.get('model.layers.1.feed_forward.w3.weight')!.values]).toEqual([
      ...bf(hf.get('model.layers.1.mlp.down_proj.weight')!.values),
    ]);
    expect(m.has('model.layers.0.attention.wq.bias')).toBe(false);
  });

  it('tied embeddings: the head of every rank is its rows of the embedding', async () => {
    const tied = { ...config, tieWordEmbeddings: true };
    const embed = Float32Array.from({ length: 12 * 16 }, (_, i) => i);
    const read = async (name: string) => {
      expect(name).not.toBe('lm_head.weight');
      return name === 'model.embed_tokens.weight' ? embed.slice() : new Float32Array(name.includes('norm') ? 16 : 0);
    };
    const split: InternEvoSplit = { tp: 2, pp: 1, rotary: 'half', w2: 'down', dtype: 'float32' };
    const head = shardTensors(tied, false, split, 1, 0, read).find(([n]) => n === 'model.output.weight')![1];
    expect([...decode(await head.data(), 'float32')]).toEqual([...embed.subarray(6 * 16)]);
  });

  it('refuses splits InternEvo cannot run, naming the sizes and the ones that fit', () => {
    expect(() => checkSplit(config, { tp: 4, pp: 1 }, 'hf')).toThrow(
      /tp = 4 is invalid: tensor parallel 4 does not divide the 2 key\/value heads.*allowed: 1, 2/,
    );
    expect(() => checkSplit(config, { tp: 3, pp: 1 }, 'hf')).toThrow(/4 attention heads, 2 key\/value heads, 8 FFN width/);
    expect(() => checkSplit(config, { tp: 1, pp: 4 }, 'hf')).toThrow(
      /pp = 4 is invalid: pipeline parallel 4 is more than the 3 layers.*allowed: 1 to 3/,
    );
    expect(() => checkSplit(config, { tp: 0, pp: 1 }, 'hf')).toThrow(/tp = 0 is invalid/);
    expect(() => checkSplit(config, { tp: 1.5, pp: 1 }, 'hf')).toThrow(/tp = 1.5 is invalid/);
    expect(() => checkSplit(config, { tp: 2, pp: 3 }, 'hf')).not.toThrow();
  });
});
