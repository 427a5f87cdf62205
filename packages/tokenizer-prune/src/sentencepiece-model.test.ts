// hf-io's ModelProto codec (the one SentencePiece reader), checked against python3-sentencepiece: a model spm_train wrote is read (pieces, types, scores, specs) as
// python3-sentencepiece sees it, rewritten byte for byte, and fields we do not know (extensions,
// future fields) survive pruning unchanged; truncated or foreign bytes give an error naming the
// file.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HfFolderError, PieceType, parseSentencePieceModel, ProtoWriter, readFields, rewriteSentencePieceModel } from '@tinylm/hf-io';
import { TokenizerFormatError } from './errors';
import { pyEncode, pyInfo, spmTools, trainSpm } from './__fixtures__/spm';
import { useSharedTempDir } from './__fixtures__/temp';
import { readTokenizerSource } from './tokenizer-source';

const tools = spmTools();
const shared = useSharedTempDir();

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe.skipIf(!tools)('SentencePiece ModelProto', () => {
  let path: string;
  beforeAll(() => {
    path = trainSpm(shared.dir, 'proto', {
      model_type: 'unigram',
      vocab_size: 1000,
      byte_fallback: true,
      character_coverage: 0.98,
      pad_id: 3,
    });
  });

  it('reads pieces, types, scores and specs as python3-sentencepiece does', () => {
    const model = parseSentencePieceModel(readFileSync(path), path);
    const info = pyInfo(tools!, path);
    expect(model.pieces.map((p) => p.piece)).toEqual(info.pieces);
    expect(model.pieces[0].type).toBe(PieceType.UNKNOWN);
    expect(model.pieces.filter((p) => p.type === PieceType.BYTE)).toHaveLength(256);
    expect(model.trainerSpec).toMatchObject({
      modelType: 'unigram',
      byteFallback: true,
      vocabSize: 1000,
      unkId: 0,
      bosId: 1,
      eosId: 2,
      padId: 3,
    });
    expect(model.normalizerSpec.name).toBe('nmt_nfkc');
    expect(model.normalizerSpec.precompiledCharsmap.length).toBeGreaterThan(1000);
  });

  it('rewrites a model keeping every piece byte for byte', () => {
    const bytes = readFileSync(path);
    const model = parseSentencePieceModel(bytes, path);
    const out = rewriteSentencePieceModel(model, { keep: model.pieces.map((_, i) => i) });
    expect(Buffer.from(out).equals(bytes)).toBe(true);
  });

  it('keeps unknown fields (top level, in a piece, in the trainer spec) byte for byte when pruning', () => {
    const bytes = new Uint8Array(readFileSync(path));
    const extraTop = new ProtoWriter().int32Field(200, 42).bytesField(201, new TextEncoder().encode('future top-level field')).finish();
    const extraPiece = new ProtoWriter().bytesField(200, new TextEncoder().encode('piece extension')).finish();
    const extraTrainer = new ProtoWriter().int32Field(199, 7).finish();
    const w = new ProtoWriter();
    let piece = 0;
    for (const f of readFields(bytes)) {
      const raw = bytes.subarray(f.start, f.end);
      const value = bytes.subarray(f.valueStart, f.valueEnd);
      if (f.field === 1 && piece++ === 4) w.bytesField(1, new Uint8Array([...value, ...extraPiece]));
      else if (f.field === 2) w.bytesField(2, new Uint8Array([...value, ...extraTrainer]));
      else w.raw(raw);
    }
    w.raw(extraTop);
    const modified = w.finish();
    const model = parseSentencePieceModel(modified, 'modified.model');
    expect(Buffer.from(rewriteSentencePieceModel(model, { keep: model.pieces.map((_, i) => i) })).equals(Buffer.from(modified))).toBe(true);
    const keep = model.pieces.map((_, i) => i).filter((i) => i < 400 || i % 3 === 0);
    const pruned = rewriteSentencePieceModel(model, { keep });
    for (const extra of [extraTop, extraPiece, extraTrainer]) expect(indexOfBytes(pruned, extra)).toBeGreaterThan(0);
    const prunedModel = parseSentencePieceModel(pruned, 'pruned.model');
    expect(prunedModel.pieces.map((p) => p.piece)).toEqual(keep.map((i) => model.pieces[i].piece));
    expect(prunedModel.trainerSpec.vocabSize).toBe(keep.length);
    expect(prunedModel.trainerSpec.padId).toBe(3);
    // The reference implementation still loads it (protobuf keeps unknown fields).
    const file = join(shared.dir, 'pruned-with-extensions.model');
    writeFileSync(file, pruned);
    const info = pyInfo(tools!, file);
    expect(info.size).toBe(keep.length);
    expect(info.pad).toBe(3);
    expect(pyEncode(tools!, file, ['manual pages']).length).toBe(1);
  });

  it('remaps the special ids of the trainer spec, and marks a dropped one -1', () => {
    const model = parseSentencePieceModel(readFileSync(path), path);
    const keep = model.pieces.map((_, i) => i).filter((i) => i !== 1 && i !== 2 && (i < 300 || i % 2 === 0));
    const pruned = parseSentencePieceModel(rewriteSentencePieceModel(model, { keep }), 'pruned');
    expect([pruned.trainerSpec.unkId, pruned.trainerSpec.bosId, pruned.trainerSpec.eosId, pruned.trainerSpec.padId]).toEqual([
      0, -1, -1, 1,
    ]);
  });

  it('refuses WORD and CHAR models, which are not BPE or Unigram', async () => {
    const word = trainSpm(shared.dir, 'word', { model_type: 'word', vocab_size: 800, character_coverage: 0.98 });
    let error: unknown;
    try {
      await readTokenizerSource(word);
    } catch (e) {
      error = e;
    }
    expect(TokenizerFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /word\.model: SentencePiece model type WORD is not supported; supported: .*SentencePiece \.model \(BPE or Unigram\)/,
    );
  });

  it('refuses truncated or foreign bytes with an error naming the file', () => {
    const bytes = readFileSync(path);
    for (const bad of [bytes.subarray(0, bytes.length - 7), bytes.subarray(0, 100), new TextEncoder().encode('not a model at all')]) {
      let error: unknown;
      try {
        parseSentencePieceModel(bad, '/data/broken.model');
      } catch (e) {
        error = e;
      }
      expect(HfFolderError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/^\/data\/broken\.model: not a valid SentencePiece model/);
    }
  });
});
