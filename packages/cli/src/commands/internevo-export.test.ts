// `tinylm inherit --format internevo` and `tinylm convert2hf --internevo` in-process: the student
// is written twice (Hugging Face and InternEvo shards), the shards convert back to exactly the
// Hugging Face tensors (bf16 values, written back as float32), and bad splits or flags are refused naming the flag, nothing written.
// The shards against PyTorch and an independent InternEvo-layout forward: test/internevo-roundtrip.test.ts.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '@tinylm/arch-config';
import { llamaParams } from '@tinylm/convert2hf';
import { openHfCheckpoint } from '@tinylm/hf-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../capture-io';
import { runCli } from '../run-cli';

const scratch = mkdtempSync(join(tmpdir(), 'tinylm-internevo-export-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, out: io.outText.join('\n'), err: io.errText.join('\n') };
}

const hfConfig = (layers: number, ffn: number) => ({
  model_type: 'llama',
  vocab_size: 512,
  hidden_size: 128,
  num_hidden_layers: layers,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  intermediate_size: ffn,
  max_position_embeddings: 128,
});

async function expectSameTensors(a: string, b: string, config: ReturnType<typeof resolveConfig>) {
  const [x, y] = [await openHfCheckpoint(a), await openHfCheckpoint(b)];
  try {
    for (const { name } of llamaParams(config)) {
      expect(await y.readTensorAsFloat32(name), name).toEqual(await x.readTensorAsFloat32(name));
    }
  } finally {
    await Promise.all([x.close(), y.close()]);
  }
}

let teacher: string;
beforeAll(async () => {
  const file = join(scratch, 'teacher.json');
  writeFileSync(file, JSON.stringify(hfConfig(4, 512)));
  teacher = join(scratch, 'teacher');
  const r = await cli(['init', '--config', file, '--out', teacher, '--backend', 'cpu', '--dtype', 'bfloat16']);
  expect(r.code, r.err).toBe(0);
}, 120_000);

describe('InternEvo shards from the CLI', () => {
  it('inherit --format internevo writes hf/ and internevo/ together; the shards convert back to the same tensors', async () => {
    const student = join(scratch, 'student.json');
    writeFileSync(student, JSON.stringify(hfConfig(3, 256)));
    const out = join(scratch, 'inherited');
    const r = await cli([
      'inherit',
      '--from',
      teacher,
      '--to',
      student,
      '--out',
      out,
      '--format',
      'internevo',
      '--tensor-parallel',
      '2',
      '--pipeline-parallel',
      '2',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['hf', 'internevo']);
    expect(readdirSync(join(out, 'internevo')).sort()).toEqual([
      'model_config.pt',
      'model_tp0_pp0.pt',
      'model_tp0_pp1.pt',
      'model_tp1_pp0.pt',
      'model_tp1_pp1.pt',
    ]);
    expect(existsSync(join(out, 'hf', 'inherit-report.json'))).toBe(true);
    expect(r.err).toMatch(/tp 2 x pp 2, layers per stage 0-0, 1-2, bfloat16, rotary half, w2 = down/);
    expect(r.err).toContain(
      `--load-model-only ${join(out, 'internevo')} --load-ckpt-type internevo --tensor-parallel 2 --pipeline-parallel 2 --rotary half`,
    );
    // FFN 256 / tp 2 = hidden 128: only model_config.pt tells w2 from w3, and the importer reads it
    const back = join(scratch, 'back');
    const c = await cli(['convert2hf', '--src', join(out, 'internevo'), '--out', back, '--no-tokenizer']);
    expect(c.code, c.err).toBe(0);
    await expectSameTensors(
      join(out, 'hf'),
      back,
      resolveConfig({ vocabSize: 512, hiddenSize: 128, numLayers: 3, numHeads: 4, numKvHeads: 2, intermediateSize: 256 }),
    );
  }, 120_000);

  it('convert2hf --internevo exports any Hugging Face folder; interleaved rotary converts back exactly', async () => {
    const out = join(scratch, 'teacher-internevo');
    const r = await cli([
      'convert2hf',
      '--internevo',
      out,
      '--src',
      teacher,
      '--pipeline-parallel',
      '3',
      '--rotary',
      'interleaved',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      tp: 1,
      pp: 3,
      rotary: 'interleaved',
      stages: [
        [0, 1],
        [1, 2],
        [2, 4],
      ],
    });
    const back = join(scratch, 'teacher-back');
    expect((await cli(['convert2hf', '--src', out, '--out', back, '--no-tokenizer'])).code).toBe(0);
    await expectSameTensors(
      teacher,
      back,
      resolveConfig({ vocabSize: 512, hiddenSize: 128, numLayers: 4, numHeads: 4, numKvHeads: 2, intermediateSize: 512 }),
    );
  }, 120_000);

  it('refusals name the flag and what is allowed, and write nothing', async () => {
    const out = join(scratch, 'refused');
    const cases: [string[], RegExp][] = [
      [
        ['convert2hf', '--internevo', out, '--src', teacher, '--tensor-parallel', '3'],
        /--tensor-parallel: .*tp = 3 is invalid.*allowed: 1, 2/,
      ],
      [['convert2hf', '--internevo', out, '--src', teacher, '--pipeline-parallel', '5'], /--pipeline-parallel: .*5/],
      [['convert2hf', '--internevo', out, '--src', teacher, '--tensor-parallel', '0'], /--tensor-parallel must be/],
      [['convert2hf', '--internevo', out, '--src', teacher, '--rotary', 'sideways'], /--rotary must be one of half, interleaved/],
      [['convert2hf', '--internevo', out, '--out', out, '--src', teacher], /give one of --out DIR, --gguf FILE, --internevo DIR/],
      [['convert2hf', '--out', out, '--src', teacher, '--tensor-parallel', '2'], /--tensor-parallel applies to --internevo only/],
      [
        ['inherit', '--from', teacher, '--to', 'tiny-100k', '--out', out, '--pipeline-parallel', '2'],
        /--pipeline-parallel applies to --format internevo only/,
      ],
      [['inherit', '--from', teacher, '--to', 'tiny-100k', '--out', out, '--format', 'gguf'], /--format must be one of hf, internevo/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(message);
      expect(existsSync(out), args.join(' ')).toBe(false);
    }
    expect(readdirSync(scratch).filter((n) => n.includes('.tmp-'))).toEqual([]);
  }, 120_000);
});
