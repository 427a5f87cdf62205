// Regression tests for issue 18 (hostile input): each defect an independent fuzzing campaign
// found in this package, with a minimal input built here. Every one used to escape as a raw
// RangeError / TypeError / ENAMETOOLONG; now each is a tinylm error whose message names the
// file and field and stays short however large or deep the offending value is.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caught, rawSafetensors } from './__fixtures__/raw-safetensors';
import { useTempDir } from './__fixtures__/temp';
import { HfFolderError, SafetensorsFormatError, TensorNotFoundError } from './errors';
import { parseSafetensorsHeader } from './header-parse';
import { openHfCheckpoint } from './hf-checkpoint';
import { parseSafetensorsIndex } from './hf-index';
import { ProtobufDecodeError, ProtoWriter, readFields } from './protobuf';
import { hasByteLevelStep, MAX_TOKENIZER_STEPS } from './tokenizer-kind';
import { parseSafetensors, serializeSafetensors } from './safetensors-bytes';
import { openSafetensors } from './safetensors-file';
import { parseSentencePieceModel } from './sentencepiece-model';

const tmp = useTempDir();

/** JSON text of an array nested `depth` deep, built as text (JSON.stringify would overflow). */
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('safetensors header: offending values are shown bounded', () => {
  it('refuses a shape nested 100,000 deep with a short message (was RangeError: Maximum call stack size exceeded)', async () => {
    const header = `{"w":{"dtype":"F32","shape":${deepArray(100_000)},"data_offsets":[0,0]}}`;
    const error = await caught(() => parseSafetensorsHeader(rawSafetensors(header), { file: 'deep.safetensors' }));
    expect(SafetensorsFormatError.isInstance(error)).toBe(true);
    expect(error.message).toBe('deep.safetensors: tensor "w": shape [[[[…]]]] must be an array of non-negative integers');
  });

  it('refuses deeply nested __metadata__ values and data_offsets the same way', async () => {
    for (const header of [
      `{"__metadata__":{"k":${deepArray(100_000)}}}`,
      `{"w":{"dtype":"F32","shape":[1],"data_offsets":${deepArray(100_000)}}}`,
    ]) {
      const error = await caught(() => parseSafetensors(rawSafetensors(header), { file: 'deep.safetensors' }));
      expect(SafetensorsFormatError.isInstance(error)).toBe(true);
      expect(error.message).toContain('[[[[…]]]]');
      expect(error.message.length).toBeLessThan(200);
    }
  });

  it('cuts a 100,000-character tensor name in messages', async () => {
    const name = 'n'.repeat(100_000);
    const error = await caught(() => parseSafetensors(rawSafetensors({ [name]: { dtype: 'X', shape: [], data_offsets: [0, 0] } })));
    expect(SafetensorsFormatError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/^<buffer>: tensor "n+…" \(100000 characters\): dtype "X" is not supported/);
    expect(error.message.length).toBeLessThan(400);
    expect(error.tensor).toBe(name);
  });

  it('shows a bounded sample of names when a tensor is not found', async () => {
    const bytes = await serializeSafetensors([{ name: 'm'.repeat(50_000), dtype: 'U8', shape: [1], data: new Uint8Array(1) }]);
    const error = await caught(() => parseSafetensors(bytes).info('x'.repeat(50_000)));
    expect(TensorNotFoundError.isInstance(error)).toBe(true);
    expect(error.message.length).toBeLessThan(600);
  });
});

describe('safetensors files: operating-system errors are tinylm errors naming the file', () => {
  it('wraps a missing file and a 5,000-character file name (was a raw ENOENT / ENAMETOOLONG)', async () => {
    const missing = await caught(() => openSafetensors(join(tmp.dir, 'absent.safetensors')));
    expect(HfFolderError.isInstance(missing)).toBe(true);
    expect(missing.message).toContain('absent.safetensors: cannot open it (ENOENT');
    expect((missing.cause as NodeJS.ErrnoException).code).toBe('ENOENT');

    const long = await caught(() => openSafetensors(join(tmp.dir, `${'s'.repeat(5000)}.safetensors`)));
    expect(HfFolderError.isInstance(long)).toBe(true);
    expect((long.cause as NodeJS.ErrnoException).code).toBe('ENAMETOOLONG');
    expect(long.message.length).toBeLessThan(700);
  });

  it('wraps reading a folder as a file', async () => {
    await mkdir(join(tmp.dir, 'folder.safetensors'));
    const error = await caught(() => openSafetensors(join(tmp.dir, 'folder.safetensors')));
    expect(HfFolderError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/folder\.safetensors: cannot (open it|read its header) \(EISDIR/);
  });
});

describe('sharded index: shard names are plain, bounded file names', () => {
  const index = (shard: unknown) => ({ metadata: { total_size: 4 }, weight_map: { w: shard } });

  it('refuses a 5,000-character shard name before touching the disk (was a raw ENAMETOOLONG)', async () => {
    await writeFile(join(tmp.dir, 'model.safetensors.index.json'), JSON.stringify(index(`${'x'.repeat(5000)}.safetensors`)));
    const error = await caught(() => openHfCheckpoint(tmp.dir));
    expect(HfFolderError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(
      /model\.safetensors\.index\.json: "weight_map" maps tensor "w" to "x+…" \(5012 characters\); allowed: a file name in the same folder, at most 255 bytes \(this one is longer than 255 bytes\)$/,
    );
    expect(error.field).toBe('weight_map');
  });

  it('counts the limit in UTF-8 bytes, and refuses control characters (a NUL made fs throw a TypeError)', () => {
    expect(() => parseSafetensorsIndex(index('é'.repeat(128)), 'i.json')).toThrow(/this one is longer than 255 bytes/);
    expect(parseSafetensorsIndex(index('é'.repeat(127)), 'i.json').weight_map.w).toBe('é'.repeat(127));
    expect(() => parseSafetensorsIndex(index('a\u0000.safetensors'), 'i.json')).toThrow(/this one holds a control character/);
  });

  it('shows a deeply nested shard value bounded (was RangeError: Maximum call stack size exceeded)', async () => {
    await writeFile(join(tmp.dir, 'model.safetensors.index.json'), `{"weight_map":{"w":${deepArray(100_000)}}}`);
    const error = await caught(() => openHfCheckpoint(tmp.dir));
    expect(HfFolderError.isInstance(error)).toBe(true);
    expect(error.message).toContain('maps tensor "w" to [[[[…]]]]; allowed');
  });

  it('wraps a folder path too long to look at', async () => {
    const error = await caught(() => openHfCheckpoint(join(tmp.dir, 'd'.repeat(5000))));
    expect(HfFolderError.isInstance(error)).toBe(true);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENAMETOOLONG');
  });
});

describe('SentencePiece protobuf: claims are checked against the bytes that remain', () => {
  it('refuses a length prefix larger than the rest of the message, naming both', () => {
    // field 1, length-delimited, claiming 2^31 - 1 bytes followed by 2.
    const bytes = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 1, 2]);
    const error = (() => {
      try {
        readFields(bytes);
      } catch (e) {
        return e as ProtobufDecodeError;
      }
    })();
    expect(ProtobufDecodeError.isInstance(error)).toBe(true);
    expect(error?.message).toBe('field 1 runs past the end of its message: it claims 2147483647 bytes, 2 remain');
    expect(() => parseSentencePieceModel(bytes, 'x.model')).toThrow(/x\.model: not a valid SentencePiece model .*claims 2147483647 bytes/);
  });

  it('refuses a varint that does not fit in 64 bits', () => {
    const bytes = new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]);
    expect(() => readFields(bytes)).toThrow(/varint does not fit in 64 bits/);
    expect(() => readFields(new Uint8Array([0x08, ...new Array(11).fill(0x80)]))).toThrow(/varint longer than 10 bytes/);
  });

  it('shows a duplicated 100,000-character piece cut', () => {
    const piece = (text: string, type: number) =>
      new ProtoWriter().bytesField(1, new TextEncoder().encode(text)).int32Field(3, type).finish();
    const long = 'p'.repeat(100_000);
    const model = new ProtoWriter().bytesField(1, piece('<unk>', 2)).bytesField(1, piece(long, 1)).bytesField(1, piece(long, 1)).finish();
    const error = (() => {
      try {
        parseSentencePieceModel(model, 'dup.model');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(HfFolderError.isInstance(error)).toBe(true);
    expect(error?.message).toMatch(/dup\.model: .*piece "p+…" \(100000 characters\) appears twice \(ids 1 and 2\)$/);
    expect(error?.message.length).toBeLessThan(400);
  });
});

describe('hasByteLevelStep on hostile tokenizer.json sections', () => {
  const nest = (depth: number, leaf: unknown) => {
    let node: unknown = leaf;
    for (let i = 0; i < depth; i++) node = { type: 'Sequence', pretokenizers: [node] };
    return node;
  };

  it('finds a ByteLevel step inside Sequences, and answers a section nested 100,000 deep without overflowing the stack', () => {
    expect(hasByteLevelStep(nest(3, { type: 'ByteLevel' }))).toBe(true);
    expect(hasByteLevelStep({ type: 'Sequence', decoders: [{ type: 'Strip' }, { type: 'ByteLevel' }] })).toBe(true);
    expect(hasByteLevelStep(nest(3, { type: 'Metaspace' }))).toBe(false);
    // the walk stops after MAX_TOKENIZER_STEPS steps: a ByteLevel step that deep is not looked for
    expect(hasByteLevelStep(nest(100_000, { type: 'ByteLevel' }))).toBe(false);
    expect(hasByteLevelStep(nest(MAX_TOKENIZER_STEPS - 2, { type: 'ByteLevel' }))).toBe(true);
  });

  it('looks at a bounded number of steps of a Sequence with a million entries', () => {
    const wide = { type: 'Sequence', pretokenizers: [...new Array(1_000_000).fill({ type: 'Split' }), { type: 'ByteLevel' }] };
    expect(hasByteLevelStep(wide)).toBe(false);
  });
});
