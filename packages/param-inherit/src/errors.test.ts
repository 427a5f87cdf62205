// Bad input: every error names the field, tensor or file, is recognisable by its class (across
// package copies, by the shared tinylm marker), and leaves nothing at the output path.
import { mkdir, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigValueError, type LlamaConfigInput } from '@tinylm/arch-config';
import { openHfCheckpoint, OutputExistsError, writeSafetensors } from '@tinylm/hf-io';
import { initBackend, TinylmError } from '@tinylm/kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeSource } from './__fixtures__/models';
import { CalibrationError, InheritError, InheritOptionError, SourceModelError, TargetShapeError, VocabMapError } from './errors';
import { type InheritOptions, inheritParams } from './inherit';

const SRC: LlamaConfigInput = { vocabSize: 64, hiddenSize: 32, numLayers: 4, numHeads: 8, numKvHeads: 4, intermediateSize: 48 };
let tmp: Awaited<ReturnType<typeof tempDir>>;
let src: string;
let n = 0;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  tmp = await tempDir('errors');
  src = join(tmp.dir, 'src');
  await writeSource(src, SRC);
});
afterAll(async () => tmp.cleanup());

/** Runs inheritParams expecting a failure; checks the class, the message and that nothing was written. */
async function fails(o: Partial<InheritOptions>, is: (e: unknown) => boolean, message: RegExp): Promise<unknown> {
  const parent = join(tmp.dir, `out-${++n}`);
  await mkdir(parent);
  const out = join(parent, 'student');
  let err: unknown;
  try {
    await inheritParams({ from: src, to: SRC, out, ...o });
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeDefined();
  expect((err as Error).message).toMatch(message);
  expect(is(err), String(err)).toBe(true);
  expect(TinylmError.isInstance(err)).toBe(true);
  expect(await readdir(parent)).toEqual([]); // no output, no temporary sibling
  return err;
}

describe('error classes', () => {
  const classes = [TargetShapeError, SourceModelError, VocabMapError, CalibrationError, InheritOptionError];
  it('each kind is recognised by its own isInstance, by InheritError.isInstance and TinylmError.isInstance, not by the others', () => {
    classes.forEach((C, i) => {
      const error = new C(`error ${i}`, { field: 'numLayers', value: 5, allowed: 'at most 4' });
      expect([error.name, error.kind, error.field, error.value, error.allowed]).toEqual([C.name, C.name, 'numLayers', 5, 'at most 4']);
      expect(InheritError.isInstance(error)).toBe(true);
      expect(TinylmError.isInstance(error)).toBe(true);
      classes.forEach((other, j) => expect(other.isInstance(error), `${other.name}.isInstance(${C.name})`).toBe(i === j));
    });
    expect(InheritError.isInstance(new OutputExistsError({ message: 'exists' }))).toBe(false);
  });
  it('InheritError still takes the old (kind, message, where) form; the kind is the class name', () => {
    const error = new InheritError('inherit-other', 'something else', { file: 'x.json' });
    expect([error.kind, error.message, error.file]).toEqual(['InheritError', 'something else', 'x.json']);
    expect(new InheritError('plain', { tensor: 't' }).tensor).toBe('t');
  });
  it('recognises an error from another copy of the package by its registered markers', () => {
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('tinylm.error')]: true,
      [Symbol.for('tinylm.error.InheritError')]: true,
      [Symbol.for('tinylm.error.VocabMapError')]: true,
    });
    expect(VocabMapError.isInstance(foreign)).toBe(true);
    expect(InheritError.isInstance(foreign)).toBe(true);
    expect(CalibrationError.isInstance(foreign)).toBe(false);
  });
});

describe('target shape', () => {
  for (const [field, value] of [
    ['numLayers', 5],
    ['hiddenSize', 40],
    ['intermediateSize', 64],
    ['numKvHeads', 8],
  ] as const) {
    it(`larger ${field}`, async () => {
      const to = {
        ...SRC,
        [field]: value,
        ...(field === 'hiddenSize' ? { numHeads: 10, numKvHeads: 5 } : {}),
        ...(field === 'numKvHeads' ? { numHeads: 8 } : {}),
      };
      const e = await fails({ to }, TargetShapeError.isInstance, new RegExp(`target ${field} = ${value} is larger than the source's`));
      expect((e as TargetShapeError).field).toBe(field);
    });
  }
  it('larger vocabulary', async () => {
    await fails({ to: { ...SRC, vocabSize: 65 } }, TargetShapeError.isInstance, /target vocabSize = 65 is larger than the source's 64/);
  });
  it('a smaller vocabulary needs a vocabulary map', async () => {
    await fails({ to: { ...SRC, vocabSize: 32 } }, TargetShapeError.isInstance, /vocabSize = 32 differs .* give a vocabulary map/);
  });
  it('a different head size is unsupported, naming the fields', async () => {
    await fails(
      { to: { ...SRC, hiddenSize: 24, numHeads: 4, numKvHeads: 4 } },
      TargetShapeError.isInstance,
      /head size hiddenSize \/ numHeads = 24 \/ 4 = 6 differs from the source's 4: changing the head size is unsupported/,
    );
  });
  it('more query heads per KV head than the source has', async () => {
    const e = await fails(
      { to: { ...SRC, hiddenSize: 24, numHeads: 6, numKvHeads: 2 } },
      TargetShapeError.isInstance,
      /6 \/ 2 = 3 query heads per KV head, but the source's KV groups have 2/,
    );
    expect((e as TargetShapeError).field).toBe('numKvHeads');
  });
  it('KV heads that do not divide heads (arch-config names the field)', async () => {
    await fails(
      { to: { ...SRC, hiddenSize: 24, numHeads: 6, numKvHeads: 4 } },
      ConfigValueError.isInstance,
      /numKvHeads = 4 is invalid: numHeads 6 is not divisible by it/,
    );
  });
  it('a tied target from an untied source', async () => {
    await fails(
      { to: { ...SRC, tieWordEmbeddings: true } },
      TargetShapeError.isInstance,
      /tieWordEmbeddings = true but the source has a separate LM head/,
    );
  });
});

describe('vocabulary map', () => {
  const map = async (json: unknown) => {
    const p = join(tmp.dir, `map-${++n}.json`);
    await writeFile(p, JSON.stringify(json));
    return p;
  };
  it('ids beyond the source vocabulary', async () => {
    const vocabMap = await map({ 0: 0, 5: 1, 64: 2 });
    const e = await fails(
      { vocabMap, to: { ...SRC, vocabSize: 3 } },
      VocabMapError.isInstance,
      /old id 64 \(entry "64"\) is outside the source vocabulary: vocab_size is 64/,
    );
    expect((e as VocabMapError).file).toBe(vocabMap);
  });
  it('not monotone, not dense, not integers, not an object', async () => {
    await fails(
      { vocabMap: await map({ 0: 1, 5: 0 }), to: { ...SRC, vocabSize: 2 } },
      VocabMapError.isInstance,
      /not monotone: new id 0 <- old 5 but new id 1 <- old 0/,
    );
    await fails(
      { vocabMap: await map({ 0: 0, 5: 2 }), to: { ...SRC, vocabSize: 2 } },
      VocabMapError.isInstance,
      /entry "5" maps to 2; new ids must be integers 0..1/,
    );
    await fails(
      { vocabMap: await map({ x: 0 }), to: { ...SRC, vocabSize: 1 } },
      VocabMapError.isInstance,
      /key "x" is not an old token id/,
    );
    await fails({ vocabMap: await map([1, 2]), to: { ...SRC, vocabSize: 2 } }, VocabMapError.isInstance, /expected a JSON object/);
    await fails(
      { vocabMap: join(tmp.dir, 'nope.json'), to: { ...SRC, vocabSize: 2 } },
      VocabMapError.isInstance,
      /nope\.json: cannot read the vocabulary map/,
    );
  });
  it('a map whose size disagrees with the target vocabulary', async () => {
    await fails(
      { vocabMap: await map({ 0: 0, 5: 1 }), to: { ...SRC, vocabSize: 3 } },
      TargetShapeError.isInstance,
      /target vocabSize = 3 but the vocabulary map .* keeps 2 tokens/,
    );
  });
});

describe('source folder', () => {
  it('not LLaMA-family: names the architecture found', async () => {
    const dir = join(tmp.dir, 'gpt2');
    await writeSource(dir, SRC);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], n_embd: 32 }));
    await fails(
      { from: dir },
      SourceModelError.isInstance,
      /is not a LLaMA-family model: found model_type "gpt2", architectures \["GPT2LMHeadModel"\]/,
    );
  });
  it('a missing tensor is named', async () => {
    const dir = join(tmp.dir, 'missing');
    await writeSource(dir, SRC);
    const ck = await openHfCheckpoint(dir);
    const sources = ck.toTensorSources().filter((t) => t.name !== 'model.layers.2.mlp.up_proj.weight');
    const bytes = await Promise.all(sources.map(async (t) => ({ ...t, data: await (t.data as () => Promise<Uint8Array>)() })));
    await ck.close();
    await writeSafetensors(join(dir, 'model.safetensors'), bytes);
    const e = await fails({ from: dir }, SourceModelError.isInstance, /tensor model\.layers\.2\.mlp\.up_proj\.weight is missing/);
    expect((e as SourceModelError).tensor).toBe('model.layers.2.mlp.up_proj.weight');
  });
  it('no folder at all', async () => {
    await fails(
      { from: join(tmp.dir, 'nothing-here') },
      SourceModelError.isInstance,
      /nothing-here: cannot open as a Hugging Face model folder: .*folder does not exist/,
    );
  });
  it('a source that breaks while being written leaves nothing behind', async () => {
    const dir = join(tmp.dir, 'truncated');
    await writeSource(dir, SRC);
    // cut the file after the headers were read and the plan was made: the writer's reads fail
    await fails(
      {
        from: dir,
        to: { ...SRC, intermediateSize: 40 },
        onProgress: (p) => {
          if (p.phase === 'width') void truncate(join(dir, 'model.safetensors'), 4096);
        },
      },
      TinylmError.isInstance,
      /model\.safetensors: tensor "[^"]+": file ended after \d+ of \d+ bytes/,
    );
  });
});

describe('options and calibration', () => {
  it('data-driven criteria need calibration data', async () => {
    await fails(
      { to: { ...SRC, intermediateSize: 40 }, width: 'activation' },
      CalibrationError.isInstance,
      /width = activation needs calibration data/,
    );
    await fails(
      { to: { ...SRC, numLayers: 2 }, layers: 'block-influence' },
      CalibrationError.isInstance,
      /layers = block-influence needs calibration data/,
    );
  });
  it('calibration ids outside the source vocabulary, and too little data', async () => {
    const f = join(tmp.dir, 'calib.jsonl');
    await writeFile(f, `${JSON.stringify({ tokens: [1, 2, 64] })}\n`);
    await fails(
      { to: { ...SRC, intermediateSize: 40 }, width: 'taylor', calibration: { files: [f] } },
      CalibrationError.isInstance,
      /calib\.jsonl: token 2 is 64, outside the source vocabulary \[0, 64\)/,
    );
    await fails(
      { to: { ...SRC, intermediateSize: 40 }, width: 'taylor', calibration: { tokens: [[1, 2, 3]], seqLen: 8 } },
      CalibrationError.isInstance,
      /3 tokens, fewer than one window of seqLen \+ 1 = 9/,
    );
  });
  it('text without a tokenizer', async () => {
    const f = join(tmp.dir, 'calib.txt');
    await writeFile(f, 'some text');
    await fails(
      { to: { ...SRC, intermediateSize: 40 }, width: 'activation', calibration: { files: [f] } },
      CalibrationError.isInstance,
      /calib\.txt is text but .* has no tokenizer files/,
    );
  });
  it('unknown criteria and misplaced options', async () => {
    await fails(
      { layers: 'middle' as never },
      InheritOptionError.isInstance,
      /layers = "middle" is not a depth criterion; allowed: uniform, first-last, block-influence, learned/,
    );
    await fails(
      { width: 'l3' as never },
      InheritOptionError.isInstance,
      /width = "l3" is not a width criterion; allowed: l1, l2, activation, taylor, learned/,
    );
    await fails({ layers: 'uniform', keepFirst: 1 }, InheritOptionError.isInstance, /keepFirst applies to layers = "first-last"/);
    await fails(
      { to: { ...SRC, numLayers: 2 }, keepFirst: 3 },
      InheritOptionError.isInstance,
      /keepFirst = 3 is invalid: allowed integers 0..2/,
    );
  });
  it('an existing output folder is refused unless forced', async () => {
    const out = join(tmp.dir, 'exists');
    await inheritParams({ from: src, to: SRC, out });
    const err = await inheritParams({ from: src, to: SRC, out }).catch((e) => e);
    expect(OutputExistsError.isInstance(err)).toBe(true);
    expect(String(err)).toMatch(/already exists; pass force: true/);
    await inheritParams({ from: src, to: { ...SRC, numLayers: 2 }, out, force: true });
    expect((await readdir(tmp.dir)).filter((f) => f.startsWith('exists.'))).toEqual([]);
  });
});
