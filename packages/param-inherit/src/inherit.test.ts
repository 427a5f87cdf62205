// Correctness of inheritance where the answer is known exactly:
// - a no-op inheritance (target = source shape) reproduces the source logits bit for bit, for
//   every depth and width criterion, F32 and BF16, tied and untied, single file and shards;
// - removing units that provably contribute nothing (FFN neurons with zero down_proj columns,
//   heads / whole KV groups with zero o_proj columns, layers with zero residual writes) keeps the
//   logits (up to float32 summation order) and each criterion finds exactly those units;
// - every written tensor is the source tensor cut by the report's kept lists (one hidden-channel
//   selection applied to the embedding, every projection, every norm and the head), and the l2
//   scores match an independent recomputation;
// - a vocabulary map keeps the kept tokens' logits exactly.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LlamaConfigInput } from '@tinylm/arch-config';
import { initBackend } from '@tinylm/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expand, logitsOf, maxDiff, pseudoTokens, slice, tempDir, tensorsOf, writeSource } from './__fixtures__/models';
import { inheritParams, type WidthCriterion } from './inherit';
import type { InheritReport } from './report';
import type { LayerCriterion } from './select-layers';

const IDS = [5, 17, 3, 60, 42, 0, 33, 12, 7, 61, 9];
const GQA: LlamaConfigInput = { vocabSize: 64, hiddenSize: 32, numLayers: 4, numHeads: 8, numKvHeads: 4, intermediateSize: 48 };
const LAYERS: LayerCriterion[] = ['uniform', 'first-last', 'block-influence', 'learned'];
const WIDTHS: WidthCriterion[] = ['l1', 'l2', 'activation', 'taylor', 'learned'];
const calibration = { tokens: [pseudoTokens(600, 64)], seqLen: 16, samples: 8, batchSize: 4 };

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  tmp = await tempDir('exact');
});
afterAll(async () => tmp.cleanup());

const readReport = async (dir: string) => JSON.parse(await readFile(join(dir, 'inherit-report.json'), 'utf8')) as InheritReport;

describe('no-op inheritance (target = source shape) is exact', () => {
  const cases: [string, LlamaConfigInput, 'float32' | 'bfloat16', number | undefined][] = [
    ['F32, GQA, untied', GQA, 'float32', undefined],
    ['BF16, tied, sharded', { ...GQA, numKvHeads: 2, tieWordEmbeddings: true }, 'bfloat16', 6000],
  ];
  for (const [name, config, dtype, shard] of cases) {
    it(name, async () => {
      const src = join(tmp.dir, `noop-${dtype}`);
      await writeSource(src, config, { dtype, maxShardSize: shard });
      if (shard) expect(await readdir(src)).toContain('model.safetensors.index.json');
      const ref = await logitsOf(src, IDS);
      const refTensors = await tensorsOf(src);
      for (const layers of LAYERS) {
        for (const width of WIDTHS) {
          const out = join(tmp.dir, `noop-${dtype}-${layers}-${width}`);
          await inheritParams({ from: src, to: config, out, layers, width, calibration, learned: { steps: 3 } });
          expect(Array.from(await logitsOf(out, IDS)), `${layers} + ${width}`).toEqual(Array.from(ref));
          const got = await tensorsOf(out);
          expect([...got.keys()].sort()).toEqual([...refTensors.keys()].sort());
          const report = await readReport(out);
          expect(report.layers.kept).toEqual([0, 1, 2, 3]);
          expect(report.criteria.scoredBy).toEqual({
            layers: 'identity',
            heads: 'identity',
            kvHeads: 'identity',
            ffn: 'identity',
            hidden: 'identity',
          });
          expect(report.learned).toBeNull(); // nothing to mask: no mask is trained, nothing folded
          expect(report.target.dtype).toBe(dtype === 'float32' ? 'F32' : 'BF16');
        }
      }
    });
  }
});

describe('removing units that contribute nothing keeps the logits', () => {
  it('FFN neurons with zero down_proj columns: every criterion drops exactly those', async () => {
    const dead = [1, 4, 5, 11, 20, 33, 40, 47]; // of 48
    const src = join(tmp.dir, 'dead-ffn');
    await writeSource(src, GQA, {
      edit: (w) => {
        for (let l = 0; l < 4; l++) {
          const down = w.get(`model.layers.${l}.mlp.down_proj.weight`)!; // (C, F)
          for (let c = 0; c < 32; c++) for (const j of dead) down.data[c * 48 + j] = 0;
          // smaller gate/up rows, so that the magnitude criteria also see them as least important
          for (const leaf of ['gate_proj', 'up_proj']) {
            const m = w.get(`model.layers.${l}.mlp.${leaf}.weight`)!; // (F, C)
            for (const j of dead) for (let c = 0; c < 32; c++) m.data[j * 32 + c] *= 0.01;
          }
        }
      },
    });
    const ref = await logitsOf(src, IDS);
    const alive = Array.from({ length: 48 }, (_, j) => j).filter((j) => !dead.includes(j));
    for (const width of ['l1', 'l2', 'activation', 'taylor'] as const) {
      const out = join(tmp.dir, `dead-ffn-${width}`);
      await inheritParams({ from: src, to: { ...GQA, intermediateSize: 40 }, out, width, calibration });
      const report = await readReport(out);
      for (const f of report.ffn) expect(f.neurons.kept, width).toEqual(alive);
      expect(maxDiff(await logitsOf(out, IDS), ref), width).toBeLessThan(1e-5);
    }
  });

  // LLaMA ties hiddenSize = numHeads x headDim, so fewer heads of the same size means fewer hidden
  // channels too. The source below also has dead channels (zero in the embedding and in every
  // residual write), so the only difference left is RMSNorm's mean over C' instead of C channels:
  // with eps ~ 0 that is the factor sqrt(C / C') on every norm output, which the reference model
  // (the source with norm weights x sqrt(C' / C)) applies. The pruned model must equal it.
  const deadCase = async (name: string, deadHeadList: number[], target: Partial<LlamaConfigInput>, widths: WidthCriterion[]) => {
    const config = { ...GQA, rmsNormEps: 1e-12 };
    const d = 4;
    const deadChannels = [0, 3, 4, 7, 9, 10, 13, 14, 17, 19, 20, 22, 25, 26, 28, 31]; // 16 of 32
    const src = join(tmp.dir, `dead-${name}`);
    await writeSource(src, config, { edit: deadUnits(deadHeadList, deadChannels, d) });
    const refDir = join(tmp.dir, `dead-${name}-ref`);
    await writeSource(refDir, config, {
      edit: (w) => {
        deadUnits(deadHeadList, deadChannels, d)(w);
        for (const [n, t] of w) if (n.endsWith('norm.weight')) t.data.forEach((v, i) => (t.data[i] = v * Math.sqrt(16 / 32)));
      },
    });
    const ref = await logitsOf(refDir, IDS);
    expect(maxDiff(ref, await logitsOf(src, IDS))).toBeGreaterThan(1e-2); // the norm factor matters
    const liveChannels = Array.from({ length: 32 }, (_, c) => c).filter((c) => !deadChannels.includes(c));
    const liveHeads = Array.from({ length: 8 }, (_, h) => h).filter((h) => !deadHeadList.includes(h));
    for (const width of widths) {
      const out = join(tmp.dir, `dead-${name}-${width}`);
      await inheritParams({ from: src, to: { ...config, ...target }, out, width, calibration });
      const report = await readReport(out);
      expect(report.hidden.kept, width).toEqual(liveChannels);
      for (const a of report.attention) expect(a.heads.kept, width).toEqual(liveHeads);
      expect(maxDiff(await logitsOf(out, IDS), ref), width).toBeLessThan(1e-4);
    }
  };

  it('query heads with zero o_proj columns inside KV groups: equal heads per kept group', async () => {
    // 8 heads in 4 groups of 2; one head of every group is dead -> 4 heads, 4 KV heads (G' = 1).
    // (activation cannot find these: a dead head's attention output is as large as its group
    // mate's, only o_proj ignores it; Minitron's metric looks at the output, not at o_proj.)
    await deadCase('heads', [1, 2, 5, 6], { hiddenSize: 16, numHeads: 4, numKvHeads: 4 }, ['l1', 'l2', 'taylor']);
  });

  it('whole KV groups whose heads have zero o_proj columns: whole groups go', async () => {
    // groups 1 and 2 (heads 2-5) are dead -> 4 heads in 2 groups of 2 (G' = G)
    await deadCase('groups', [2, 3, 4, 5], { hiddenSize: 16, numHeads: 4, numKvHeads: 2 }, ['l1', 'l2', 'activation', 'taylor']);
  });

  it('layers with zero residual writes: first-last and block influence drop exactly those', async () => {
    const src = join(tmp.dir, 'dead-layers');
    await writeSource(src, GQA, {
      edit: (w) => {
        for (const l of [1, 2])
          for (const leaf of ['self_attn.o_proj', 'mlp.down_proj']) w.get(`model.layers.${l}.${leaf}.weight`)!.data.fill(0);
      },
    });
    const ref = await logitsOf(src, IDS);
    const to = { ...GQA, numLayers: 2 };
    const fl = join(tmp.dir, 'dead-layers-fl');
    await inheritParams({ from: src, to, out: fl, layers: 'first-last', keepFirst: 1 });
    expect((await readReport(fl)).layers.kept).toEqual([0, 3]);
    expect(Array.from(await logitsOf(fl, IDS))).toEqual(Array.from(ref));
    const bi = join(tmp.dir, 'dead-layers-bi');
    await inheritParams({ from: src, to, out: bi, layers: 'block-influence', calibration });
    const report = await readReport(bi);
    expect(report.layers.kept).toEqual([0, 3]);
    expect(report.layers.scores![1]).toBeCloseTo(0, 6); // an identity layer has cos(h_in, h_out) = 1
    expect(report.layers.scores![2]).toBeCloseTo(0, 6);
    expect(report.layers.scores![0]).toBeGreaterThan(0.01);
    expect(Array.from(await logitsOf(bi, IDS))).toEqual(Array.from(ref));
    const un = join(tmp.dir, 'dead-layers-uniform');
    await inheritParams({ from: src, to, out: un, layers: 'uniform' });
    expect((await readReport(un)).layers.kept).toEqual([0, 2]);
    expect(maxDiff(await logitsOf(un, IDS), ref)).toBeGreaterThan(1e-3); // layer 3 was live
  });
});

describe('every target tensor is the source cut by the kept lists', () => {
  it('heads, KV groups, FFN neurons, hidden channels and vocabulary, l2 scores recomputed independently', async () => {
    const src = join(tmp.dir, 'cut');
    await writeSource(src, GQA, { seed: 5 });
    const vocabMap = join(tmp.dir, 'cut-vocab-map.json');
    const keptIds = [0, 1, 2, 5, 8, 13, 21, 34, 55, 60, 63];
    const { writeFile } = await import('node:fs/promises');
    await writeFile(vocabMap, JSON.stringify(Object.fromEntries(keptIds.map((id, i) => [String(id), i]))));
    const out = join(tmp.dir, 'cut-out');
    const to = { ...GQA, vocabSize: keptIds.length, numLayers: 3, hiddenSize: 24, numHeads: 6, numKvHeads: 3, intermediateSize: 30 };
    await inheritParams({ from: src, to, out, vocabMap, layers: 'first-last', width: 'l2' });
    const report = await readReport(out);
    expect(report.layers.kept).toEqual([0, 1, 3]);
    const s = await tensorsOf(src);
    const t = await tensorsOf(out);
    const d = 4;
    const hid = report.hidden.kept;
    expect(hid.length).toBe(24);
    expect(t.get('model.embed_tokens.weight')!.data).toEqual(slice(s.get('model.embed_tokens.weight')!, keptIds, hid));
    expect(t.get('lm_head.weight')!.data).toEqual(slice(s.get('lm_head.weight')!, keptIds, hid));
    expect(t.get('model.norm.weight')!.data).toEqual(slice(s.get('model.norm.weight')!, hid, null));
    // independent l2 scores of hidden channels over kept layers, embedding rows of kept ids, head, norms
    const sq = new Float64Array(32);
    const addCols = (x: { data: Float32Array; shape: number[] }, rows: number[] | null) => {
      const [n, k] = x.shape;
      for (const r of rows ?? Array.from({ length: n }, (_, i) => i)) for (let c = 0; c < k; c++) sq[c] += x.data[r * k + c] ** 2;
    };
    const addRows = (x: { data: Float32Array; shape: number[] }) => {
      const [n, k] = x.shape;
      for (let r = 0; r < n; r++) for (let c = 0; c < k; c++) sq[r] += x.data[r * k + c] ** 2;
    };
    addCols(s.get('model.embed_tokens.weight')!, keptIds);
    addCols(s.get('lm_head.weight')!, keptIds);
    s.get('model.norm.weight')!.data.forEach((v, c) => (sq[c] += v * v));
    report.attention.forEach((a, i) => {
      const l = a.sourceLayer;
      const g = (leaf: string) => s.get(`model.layers.${l}.${leaf}.weight`)!;
      for (const leaf of ['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'mlp.gate_proj', 'mlp.up_proj'])
        addCols(g(leaf), null);
      for (const leaf of ['self_attn.o_proj', 'mlp.down_proj']) addRows(g(leaf));
      for (const leaf of ['input_layernorm', 'post_attention_layernorm']) g(leaf).data.forEach((v, c) => (sq[c] += v * v));
      // the cuts
      const T = (leaf: string) => t.get(`model.layers.${i}.${leaf}.weight`)!.data;
      const rowsQ = expand(a.heads.kept, d);
      const rowsKv = expand(a.kvHeads.kept, d);
      const ffn = report.ffn[i].neurons.kept;
      expect(a.kvHeads.kept.length).toBe(3);
      expect(a.heads.kept.map((h) => Math.floor(h / 2))).toEqual(a.kvHeads.kept.flatMap((k) => [k, k])); // whole groups
      expect(T('self_attn.q_proj')).toEqual(slice(g('self_attn.q_proj'), rowsQ, hid));
      expect(T('self_attn.k_proj')).toEqual(slice(g('self_attn.k_proj'), rowsKv, hid));
      expect(T('self_attn.v_proj')).toEqual(slice(g('self_attn.v_proj'), rowsKv, hid));
      expect(T('self_attn.o_proj')).toEqual(slice(g('self_attn.o_proj'), hid, rowsQ));
      expect(T('mlp.gate_proj')).toEqual(slice(g('mlp.gate_proj'), ffn, hid));
      expect(T('mlp.up_proj')).toEqual(slice(g('mlp.up_proj'), ffn, hid));
      expect(T('mlp.down_proj')).toEqual(slice(g('mlp.down_proj'), hid, ffn));
      expect(T('input_layernorm')).toEqual(slice(g('input_layernorm'), hid, null));
      expect(T('post_attention_layernorm')).toEqual(slice(g('post_attention_layernorm'), hid, null));
      // FFN l2 scores: gate row, up row, down column
      const f2 = new Float64Array(48);
      for (let j = 0; j < 48; j++) {
        for (let c = 0; c < 32; c++)
          f2[j] +=
            g('mlp.gate_proj').data[j * 32 + c] ** 2 + g('mlp.up_proj').data[j * 32 + c] ** 2 + g('mlp.down_proj').data[c * 48 + j] ** 2;
      }
      f2.forEach((v, j) => expect(report.ffn[i].neurons.scores![j]).toBeCloseTo(Math.sqrt(v), 3));
      const top = Array.from(f2.keys())
        .sort((x, y) => f2[y] - f2[x])
        .slice(0, 30)
        .sort((x, y) => x - y);
      expect(ffn).toEqual(top);
    });
    sq.forEach((v, c) => expect(report.hidden.scores![c]).toBeCloseTo(Math.sqrt(v), 3));
    expect(hid).toEqual(
      Array.from(sq.keys())
        .sort((x, y) => sq[y] - sq[x])
        .slice(0, 24)
        .sort((x, y) => x - y),
    );
  });
});

describe('16-bit sources', () => {
  it('BF16 and F16: l1 / l2 scores (by bit-pattern lookup) equal a direct recomputation; bytes copied as stored', async () => {
    for (const dtype of ['bfloat16', 'float16'] as const) {
      for (const width of ['l1', 'l2'] as const) {
        const src = join(tmp.dir, `half-${dtype}`);
        await writeSource(src, GQA, { seed: 9, dtype }).catch(() => undefined); // written once per dtype
        const out = join(tmp.dir, `half-${dtype}-${width}`);
        await inheritParams({ from: src, to: { ...GQA, intermediateSize: 40, numLayers: 2 }, out, width });
        const report = await readReport(out);
        const s = await tensorsOf(src);
        const f = (x: number) => (width === 'l2' ? x * x : Math.abs(x));
        report.ffn.forEach((layer) => {
          const g = (leaf: string) => s.get(`model.layers.${layer.sourceLayer}.mlp.${leaf}.weight`)!.data;
          for (let j = 0; j < 48; j++) {
            let v = 0;
            for (let c = 0; c < 32; c++) v += f(g('gate_proj')[j * 32 + c]) + f(g('up_proj')[j * 32 + c]) + f(g('down_proj')[c * 48 + j]);
            expect(layer.neurons.scores![j]).toBeCloseTo(width === 'l2' ? Math.sqrt(v) : v, 3);
          }
        });
        const t = await tensorsOf(out);
        const kept = report.ffn[0].neurons.kept;
        expect(t.get('model.layers.0.mlp.up_proj.weight')!.data).toEqual(
          slice(s.get(`model.layers.${report.ffn[0].sourceLayer}.mlp.up_proj.weight`)!, kept, null),
        );
        expect(report.target.dtype).toBe(dtype === 'bfloat16' ? 'BF16' : 'F16');
      }
    }
  });
});

describe('tied source, untied target', () => {
  it('the LM head is a copy of the embedding rows: same logits', async () => {
    const config = { ...GQA, tieWordEmbeddings: true };
    const src = join(tmp.dir, 'tied-src');
    await writeSource(src, config);
    const out = join(tmp.dir, 'untied-out');
    await inheritParams({ from: src, to: { ...config, tieWordEmbeddings: false }, out });
    const t = await tensorsOf(out);
    expect(t.get('lm_head.weight')!.data).toEqual(t.get('model.embed_tokens.weight')!.data);
    expect(Array.from(await logitsOf(out, IDS))).toEqual(Array.from(await logitsOf(src, IDS)));
  });
});

describe('vocabulary map', () => {
  it("keeps the kept tokens' logits exactly, rows in new-id order (tied, BF16)", async () => {
    const config = { ...GQA, tieWordEmbeddings: true };
    const src = join(tmp.dir, 'vocab');
    await writeSource(src, config, { dtype: 'bfloat16' });
    const keptIds = [3, 4, 5, 9, 12, 17, 33, 40, 41, 42, 60, 61, 63];
    const map = { oldIds: Int32Array.from(keptIds), source: '<test>' };
    const out = join(tmp.dir, 'vocab-out');
    await inheritParams({ from: src, to: { ...config, vocabSize: keptIds.length }, out, vocabMap: map });
    const ids = [3, 60, 12, 12, 41, 5];
    const ref = await logitsOf(src, ids);
    const got = await logitsOf(
      out,
      ids.map((id) => keptIds.indexOf(id)),
    );
    for (let p = 0; p < ids.length; p++) {
      expect(Array.from(got.subarray(p * keptIds.length, (p + 1) * keptIds.length))).toEqual(keptIds.map((id) => ref[p * 64 + id]));
    }
  });
});

/**
 * Makes `heads` (zero o_proj columns, small q / k / v rows) and `channels` (zero embedding columns
 * and o_proj / down_proj rows, small input columns and norm entries) provably unused.
 */
function deadUnits(heads: number[], channels: number[], d: number) {
  return (w: Map<string, { data: Float32Array; shape: number[] }>) => {
    const scaleRows = (x: { data: Float32Array; shape: number[] }, rows: number[], f: number) => {
      for (const r of rows) for (let c = 0; c < x.shape[1]; c++) x.data[r * x.shape[1] + c] *= f;
    };
    const scaleCols = (x: { data: Float32Array; shape: number[] }, cols: number[], f: number) => {
      for (let r = 0; r < x.shape[0]; r++) for (const c of cols) x.data[r * x.shape[1] + c] *= f;
    };
    const g = Math.round(8 / 4);
    const deadGroups = [...new Set(heads.map((h) => Math.floor(h / g)))].filter((k) => [0, 1].every((j) => heads.includes(k * g + j)));
    for (const [name, x] of w) {
      if (name.endsWith('o_proj.weight')) {
        scaleCols(x, expand(heads, d), 0);
        scaleRows(x, channels, 0);
      } else if (name.endsWith('down_proj.weight')) scaleRows(x, channels, 0);
      else if (name.endsWith('q_proj.weight')) {
        scaleRows(x, expand(heads, d), 0.01);
        scaleCols(x, channels, 0.01);
      } else if (name.endsWith('k_proj.weight') || name.endsWith('v_proj.weight')) {
        scaleRows(x, expand(deadGroups, d), 0.01);
        scaleCols(x, channels, 0.01);
      } else if (name.endsWith('gate_proj.weight') || name.endsWith('up_proj.weight')) scaleCols(x, channels, 0.01);
      else if (name === 'model.embed_tokens.weight') scaleCols(x, channels, 0);
      else if (name === 'lm_head.weight') scaleCols(x, channels, 0.01);
      else if (name.endsWith('norm.weight')) channels.forEach((c) => (x.data[c] *= 0.01));
    }
  };
}
