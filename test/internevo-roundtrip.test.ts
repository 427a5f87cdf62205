// Hugging Face LLaMA folder -> InternEvo shards (writeInternEvoCheckpoint, tp 2 x pp 2, GQA) ->
// back to Hugging Face (readInternEvoCheckpoint / convert2hf). Checked three ways: the tensors
// come back bit for bit; the converted folder's logits equal the original's in an independent
// PyTorch LlamaForCausalLM forward (python/llama_ref.py); and a PyTorch forward that reads the
// .pt shards itself with torch.load(weights_only=True) and follows InternEvo's model definition
// (python/internevo_forward.py, no code shared with the writer) gives the same logits. Then the
// splits and models InternEvo cannot take, refused with nothing written.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LlamaConfig, resolveConfig, toHfConfig } from '@tinylm/arch-config';
import { openHfCheckpoint, writeHfFolder } from '@tinylm/hf-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython, runPython } from '../tooling/python';
import {
  convert2hf,
  llamaParams,
  readInternEvoCheckpoint,
  type WriteInternEvoOptions,
  type WrittenInternEvo,
  writeInternEvoCheckpoint,
} from '@tinylm/convert2hf';
import { seededRandom } from '@tinylm/model';
import { hasTorch, maxAbsDiff, torchLogits } from './parity';
import { tinylm } from './support';

const FORWARD = fileURLToPath(new URL('./python/internevo_forward.py', import.meta.url));
const IDS = [1, 5, 17, 3, 60, 42, 0, 88, 12, 7, 61];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-internevo-rt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A Hugging Face LLaMA folder with random weights (norms near 1), in `dtype`. */
async function teacher(
  out: string,
  config: LlamaConfig,
  dtype: 'BF16' | 'F32',
  seed: number,
  attentionBias = false,
  maxShardSize?: string,
): Promise<void> {
  const draw = seededRandom(seed);
  const next = () => draw() - 0.5;
  await writeHfFolder(out, {
    maxShardSize,
    config: { ...toHfConfig(config, { torchDtype: dtype === 'BF16' ? 'bfloat16' : 'float32' }), attention_bias: attentionBias },
    tensors: llamaParams(config, attentionBias).map((p) => {
      const n = p.shape.reduce((a, b) => a * b, 1);
      const norm = p.name.endsWith('norm.weight');
      return {
        name: p.name,
        dtype,
        shape: p.shape,
        data: Float32Array.from({ length: n }, () => (norm ? 1 + 0.4 * next() : 0.5 * next())),
      };
    }),
  });
}

function internEvoLogits(ckpt: string, written: WrittenInternEvo, config: LlamaConfig): number[][] {
  const py = findPython(['torch']);
  if (!('python' in py)) throw new Error(py.missing);
  const spec = {
    heads: config.numHeads,
    kv_heads: config.numKvHeads,
    rotary: written.rotary,
    w2: written.w2,
    eps: config.rmsNormEps,
    rope_base: config.ropeTheta,
  };
  const out = JSON.parse(runPython(py.python, FORWARD, [ckpt, JSON.stringify(spec), JSON.stringify(IDS)]));
  expect({ tp: out.tp, pp: out.pp, layers: out.layers }).toEqual({ tp: written.tp, pp: written.pp, layers: config.numLayers });
  // model_config.pt: torch.load reads back exactly the values written (see the script on weights_only), with tinylm's w2 record
  expect(out.model_config).toEqual({ ...written.modelConfig, tinylm_mlp_w2: written.w2 });
  return out.logits;
}

/** Every tensor of `a` equals `b`'s, bit for bit (both read as float32). */
async function expectSameTensors(hfDir: string, source: Awaited<ReturnType<typeof readInternEvoCheckpoint>>): Promise<void> {
  const hf = await openHfCheckpoint(hfDir);
  try {
    expect(source.tensors.map((t) => t.name).sort()).toEqual(hf.tensors.map((t) => t.name).sort());
    for (const t of source.tensors) {
      const back = await t.read();
      const original = await hf.readTensorAsFloat32(t.name);
      expect(back.length, t.name).toBe(original.length);
      expect(
        Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(
          Buffer.from(original.buffer, original.byteOffset, original.byteLength),
        ),
        t.name,
      ).toBe(true);
    }
  } finally {
    await hf.close();
  }
}

const GQA = resolveConfig({
  vocabSize: 96,
  hiddenSize: 64,
  numLayers: 3,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: 256, // InternEvo's FFN is a multiple of 256
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
  maxPositionEmbeddings: 128,
  tieWordEmbeddings: false,
});

describe.runIf(hasTorch)('Hugging Face -> InternEvo shards -> Hugging Face', () => {
  it('tp 2 x pp 2, GQA, bf16, interleaved rotary (v0.3.x adapt_hf=False): exact tensors, same logits in three forwards', async () => {
    const hf = join(dir, 'teacher');
    await teacher(hf, GQA, 'BF16', 1);
    const ckpt = join(dir, 'internevo-tp2-pp2');
    const written = await writeInternEvoCheckpoint(hf, ckpt, { tp: 2, pp: 2, rotary: 'interleaved' });
    expect(written).toMatchObject({
      tp: 2,
      pp: 2,
      dtype: 'bfloat16',
      rotary: 'interleaved',
      w2: 'down',
      stages: [
        [0, 1],
        [1, 3],
      ],
    });
    expect(readdirSync(ckpt).sort()).toEqual([
      'model_config.pt',
      'model_tp0_pp0.pt',
      'model_tp0_pp1.pt',
      'model_tp1_pp0.pt',
      'model_tp1_pp1.pt',
    ]);
    expect(written.modelConfig).toMatchObject({
      num_attention_heads: 4,
      num_kv_attention_heads: 2,
      mlp_ratio: 4,
      adapt_hf: false,
      qk_interleaved: true,
    });

    // everything the importer needs is in model_config.pt: heads, rotary layout (qk_interleaved)
    const source = await readInternEvoCheckpoint(ckpt);
    try {
      expect(source).toMatchObject({ modelType: 'LLAMA2', tensorParallel: 2, pipelineParallel: 2, qkInterleaved: true });
      expect(source.config).toMatchObject({ numKvHeads: 2, intermediateSize: 256, numLayers: 3 });
      await expectSameTensors(hf, source);
    } finally {
      await source.close();
    }

    const back = join(dir, 'back');
    await convert2hf({ src: ckpt, out: back, allowMissingTokenizer: true });
    const original = torchLogits(hf, IDS);
    const spread = Math.max(...original.flat()) - Math.min(...original.flat());
    expect(spread).toBeGreaterThan(1);
    const roundTrip = torchLogits(back, IDS);
    const internEvo = internEvoLogits(ckpt, written, GQA);
    console.log(
      `[internevo round trip tp2 pp2] max |logit diff| vs the teacher: converted back ${maxAbsDiff(roundTrip, original).toExponential(2)}, InternEvo forward over the shards ${maxAbsDiff(internEvo, original).toExponential(2)}`,
    );
    expect(maxAbsDiff(roundTrip, original)).toBeLessThan(1e-5);
    expect(maxAbsDiff(internEvo, original)).toBeLessThan(1e-4);
    // the layout is what makes it right: the same shards run as half-split q/k are far off
    expect(maxAbsDiff(internEvoLogits(ckpt, { ...written, rotary: 'half' }, GQA), original)).toBeGreaterThan(0.05);
  });

  it('tinylm inherit --format internevo (tp 2 x pp 2): the shards give the inherited folder its logits in an independent forward, and convert back', async () => {
    const source = join(dir, 'cli-teacher');
    await teacher(source, resolveConfig({ ...GQA, numLayers: 4 }), 'F32', 3);
    const target = join(dir, 'cli-student.json');
    await writeFile(target, JSON.stringify(toHfConfig(GQA)));
    const out = join(dir, 'cli-inherited');
    const r = tinylm([
      'inherit',
      '--from',
      source,
      '--to',
      target,
      '--out',
      out,
      '--format',
      'internevo',
      '--tensor-parallel',
      '2',
      '--pipeline-parallel',
      '2',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const written = (JSON.parse(r.stdout) as { internevo: WrittenInternEvo }).internevo;
    expect(written).toMatchObject({ dir: join(out, 'internevo'), tp: 2, pp: 2, rotary: 'half', w2: 'down' });
    const inherited = torchLogits(join(out, 'hf'), IDS);
    expect(maxAbsDiff(internEvoLogits(written.dir, written, GQA), inherited)).toBeLessThan(1e-4);
    const back = join(dir, 'cli-back');
    const c = tinylm(['convert2hf', '--src', written.dir, '--out', back, '--no-tokenizer']);
    expect(c.status, c.stderr).toBe(0);
    expect(maxAbsDiff(torchLogits(back, IDS), inherited)).toBeLessThan(1e-5);
  });

  it("tp 1 x pp 3, half rotary, w2 'up' (v0.2.3), float32 with biases: exact tensors, same logits", async () => {
    const config = resolveConfig({ ...GQA, numHeads: 8, numKvHeads: 8, hiddenSize: 64 });
    const hf = join(dir, 'teacher-bias');
    await teacher(hf, config, 'F32', 2, true, '60KB'); // several safetensors shards, read tensor by tensor
    expect(readdirSync(hf).filter((n) => n.endsWith('.safetensors')).length).toBeGreaterThan(2);
    const ckpt = join(dir, 'internevo-pp3');
    const options: WriteInternEvoOptions = { tp: 1, pp: 3, rotary: 'half', w2: 'up' };
    const written = await writeInternEvoCheckpoint(hf, ckpt, options);
    expect(written.modelConfig).toMatchObject({ no_bias: false, adapt_hf: true });
    const source = await readInternEvoCheckpoint(ckpt);
    try {
      expect(source.attentionBias).toBe(true);
      await expectSameTensors(hf, source);
    } finally {
      await source.close();
    }
    expect(maxAbsDiff(internEvoLogits(ckpt, written, config), torchLogits(hf, IDS))).toBeLessThan(1e-4);
  });

  describe('refusals, nothing written', () => {
    let hf: string;
    beforeAll(async () => {
      hf = join(dir, 'teacher-refusals');
      await teacher(hf, GQA, 'F32', 3);
    });
    const refused = async (options: WriteInternEvoOptions, pattern: RegExp, out = join(dir, `refused-${options.tp}-${options.pp}`)) => {
      await expect(writeInternEvoCheckpoint(hf, out, options)).rejects.toThrow(pattern);
      expect(readdirSync(dir).filter((n) => n.startsWith(`${out.split('/').pop()}.tmp`))).toEqual([]);
    };

    it('a tensor-parallel size that does not divide the key/value heads or the vocabulary', async () => {
      await refused({ tp: 4, pp: 1 }, /tp = 4 is invalid: tensor parallel 4 does not divide the 2 key\/value heads.*allowed: 1, 2/);
      await refused({ tp: 3, pp: 1 }, /does not divide the 4 attention heads, 2 key\/value heads, 256 FFN width/);
      expect(existsSync(join(dir, 'refused-4-1'))).toBe(false);
    });

    it('more pipeline stages than layers', async () => {
      await refused({ tp: 1, pp: 4 }, /pp = 4 is invalid: pipeline parallel 4 is more than the 3 layers/);
    });

    it('an FFN width InternEvo cannot build, and a model type it does not write', async () => {
      const odd = join(dir, 'teacher-ffn');
      await teacher(odd, resolveConfig({ ...GQA, intermediateSize: 200 }), 'F32', 4);
      await expect(writeInternEvoCheckpoint(odd, join(dir, 'odd-out'), { tp: 1, pp: 1 })).rejects.toThrow(
        /intermediate_size = 200 is invalid: InternEvo's LLAMA2 FeedForward rounds .* up to a multiple of 256.*allowed: a multiple of 256 \(e\.g\. 256\)/,
      );
      expect(existsSync(join(dir, 'odd-out'))).toBe(false);
      await expect(writeInternEvoCheckpoint(hf, join(dir, 'x'), { tp: 1, pp: 1, modelType: 'INTERNLM2' as 'LLAMA2' })).rejects.toThrow(
        /modelType/,
      );
    });

    it('an existing output folder unless force, left untouched', async () => {
      const out = join(dir, 'exists');
      await mkdir(out);
      await writeFile(join(out, 'keep.txt'), 'mine');
      await expect(writeInternEvoCheckpoint(hf, out, { tp: 1, pp: 1 })).rejects.toThrow(/already exists/);
      expect(readdirSync(out)).toEqual(['keep.txt']);
      await writeInternEvoCheckpoint(hf, out, { tp: 1, pp: 1, force: true });
      expect(readdirSync(out).sort()).toEqual(['model_config.pt', 'model_tp0_pp0.pt']);
    });
  });
});
