// `tinylm arch emit --format internevo` in-process: the InternEvo version, warm-start and
// parallel flags reach the config, refusals name the flag and what is allowed, and --help
// lists every flag.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io';
import { runCli } from '../run-cli';
import { INTERNEVO_FLAGS, INTERNEVO_USAGE } from './internevo-flags';

const scratch = mkdtempSync(join(tmpdir(), 'tinylm-arch-emit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder holding empty files with these names (only the names are read). */
function folder(name: string, files: string[]): string {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f), '');
  return dir;
}

async function emit(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await runCli(['arch', 'emit', '--format', 'internevo', '--preset', 'pangu-pi-1b-pro', ...args], io);
  return { code, out: io.outText.join('\n'), err: io.errText.join('\n') };
}

describe('tinylm arch emit --format internevo', () => {
  it('--help lists every InternEvo flag', async () => {
    for (const flag of Object.keys(INTERNEVO_FLAGS)) expect(INTERNEVO_USAGE).toContain(`--${flag}`);
    const io = capture();
    expect(await runCli(['arch', '--help'], io)).toBe(0);
    expect(io.outText.join('\n')).toContain('--internevo-version v0.3|v0.3.4|latest');
  });

  it("the authors' setup by default: InternEvo v0.3, model-only warm start from InternEvo shards, zero1 8, torchrun train.py", async () => {
    const r = await emit(['--load-model-only', '/ckpt/pruned']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('load_ckpt_info=dict(path=MODEL_ONLY_FOLDER, content=("model",), ckpt_type="internlm")');
    expect(r.out).toContain('MODEL_ONLY_FOLDER = "local:/ckpt/pruned"');
    expect(r.out).toContain('    adapt_hf=True,');
    expect(r.out).toContain('zero1=dict(size=8)');
    expect(r.out).toContain('torchrun --nnodes 1 --nproc_per_node 8 train.py --config ./configs/tinylm.py --launcher torch');
    expect(r.out).toContain('MLP_RATIO = 2.6666666666666665\n'); // the preset's own ratio, 8 / 3 as a double
  });

  it("today's line with a Hugging Face folder; sizes and sequence length reach the file", async () => {
    const r = await emit([
      '--internevo-version',
      'latest',
      '--load-model-only',
      'local:/data/hf',
      '--load-ckpt-type',
      'hf',
      '--seq',
      '1024',
      '--data-parallel',
      '4',
      '--zero1',
      '2',
      '--tensor-parallel',
      '2',
      '--pipeline-parallel',
      '5',
      '--job-name',
      'pro_1b',
      '--train-folder',
      '/data/tokens',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ckpt_type="hf")');
    expect(r.out).toContain('    qk_interleaved=False,');
    expect(r.out).not.toContain('adapt_hf');
    expect(r.out).toContain('SEQ_LEN = 1024\n');
    expect(r.out).toContain(
      'zero1=dict(size=2),\n    tensor=dict(size=2, mode="mtp"),\n    pipeline=dict(size=5, interleaved_overlap=True),',
    );
    expect(r.out).toContain('torchrun --nnodes 5 --nproc_per_node 8');
    expect(r.out).toContain('JOB_NAME = "pro_1b"');
    expect(r.out).toContain('TRAIN_FOLDER = "/data/tokens"');
  });

  it('--from-scratch leaves load_ckpt_info None; one of the two is required', async () => {
    const r = await emit(['--from-scratch', '--internevo-version', 'v0.3.4']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('load_ckpt_info=None');
    const none = await emit([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('--load-model-only DIR or --from-scratch is required');
    expect((await emit(['--from-scratch', '--load-model-only', '/w'])).err).toContain('not both');
  });

  it('refusals name the flag and what is allowed', async () => {
    const cases: [string[], string][] = [
      [
        ['--from-scratch', '--internevo-version', '0.2'],
        '"0.2" is invalid: not an InternEvo line this emitter was checked against; allowed: v0.3',
      ],
      [
        ['--load-model-only', '/w', '--data-parallel', '4', '--zero1', '8'],
        '--zero1: zero1Size = 8 is invalid: InternEvo requires data_parallel_size % zero1 == 0 and the data-parallel size is 4; allowed: a divisor of 4: 1, 2, 4',
      ],
      [
        ['--load-model-only', '/w', '--tensor-parallel', '4'],
        '--tensor-parallel: tensorParallel = 4 is invalid: tensor parallelism splits numHeads (14) evenly',
      ],
      [['--load-model-only', '/w', '--pipeline-parallel', '21'], '--pipeline-parallel: pipelineParallel = 21 is invalid'],
      [['--load-model-only', '/w', '--load-ckpt-type', 'internlm'], '--load-ckpt-type must be one of internevo, hf, llama, got "internlm"'],
      [
        ['--load-model-only', '/w', '--load-ckpt-type', 'llama', '--internevo-version', 'latest'],
        '--load-ckpt-type: loadCkptType = "llama" is invalid: InternEvo latest registers no checkpoint loader for it',
      ],
      [['--load-model-only', '/w', '--load-ckpt-type', 'hf', '--rotary', 'interleaved'], '--rotary: rotary = "interleaved" is invalid'],
      [['--from-scratch', '--load-ckpt-type', 'hf'], '--load-ckpt-type is the type of the --load-model-only folder'],
      [['--from-scratch', '--zero1', '0'], '--zero1 must be a positive integer, got "0"'],
      [['--from-scratch', '--seq', '4096'], '--seq: seqLen = 4096 is invalid; allowed: at most maxPositionEmbeddings (2048)'],
      [['--from-scratch', '--rotary', 'rope'], '--rotary must be one of half, interleaved, got "rope"'],
    ];
    for (const [args, message] of cases) {
      const r = await emit(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toContain(message);
    }
  });

  it('InternEvo flags are refused with --format hf', async () => {
    const io = capture();
    expect(await runCli(['arch', 'emit', '--format', 'hf', '--preset', 'pangu-pi-1b-pro', '--zero1', '8'], io)).toBe(2);
    expect(io.errText.join('\n')).toContain('--zero1 is for --format internevo only');
  });

  it("a local --load-model-only folder: the shards' split becomes the run's, a different one is refused", async () => {
    const dir = folder('shards', ['model_tp0_pp0.pt', 'model_tp1_pp0.pt', 'model_tp0_pp1.pt', 'model_tp1_pp1.pt', 'model_config.pt']);
    const r = await emit(['--load-model-only', dir, '--data-parallel', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('tensor=dict(size=2, mode="mtp"),\n    pipeline=dict(size=2, interleaved_overlap=True),');
    expect(r.out).toContain('# 8 GPUs = data 2 x tensor 2 x pipeline 2;');
    const bad = await emit(['--load-model-only', `local:${dir}`, '--tensor-parallel', '1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--tensor-parallel 1 does not match the shards in');
    expect(bad.err).toContain('saved for 2 (InternEvo asserts they are equal); pass --tensor-parallel 2');
    const empty = await emit(['--load-model-only', folder('empty', ['config.json'])]);
    expect(empty.err).toContain('holds no InternEvo shards (model_tp{t}_pp{p}.pt); for a Hugging Face folder pass --load-ckpt-type hf');
  });

  it('a local Hugging Face folder of model.safetensors: refused for v0.3.x (its loader reads only pytorch_model*.bin), fine today', async () => {
    const dir = folder('hf', ['config.json', 'model.safetensors']);
    const v03 = await emit(['--load-model-only', dir, '--load-ckpt-type', 'hf']);
    expect(v03.code).toBe(2);
    expect(v03.err).toContain("InternEvo v0.3's hf_llama loader reads only pytorch_model*.bin");
    const latest = await emit(['--load-model-only', dir, '--load-ckpt-type', 'hf', '--internevo-version', 'latest']);
    expect(latest.code).toBe(0);
    expect(latest.out).toContain('ckpt_type="hf")');
    expect((await emit(['--load-model-only', folder('bin', ['pytorch_model.bin']), '--load-ckpt-type', 'hf'])).code).toBe(0);
    // a path that is not on this machine (the cluster's) is left to InternEvo
    expect((await emit(['--load-model-only', join(scratch, 'not-here'), '--load-ckpt-type', 'hf'])).code).toBe(0);
  });
});
