// hf-io's SentencePiece ModelProto reader (the one convert2hf reads with) against a model trained by python3-sentencepiece
// (src/__fixtures__/make-fixtures.py) and what that library reports about it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HfFolderError, parseSentencePieceModel } from '@tinylm/hf-io';
import { FIXTURES } from './__fixtures__/paths';

const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')).sentencepiece;

describe('parseSentencePieceModel', () => {
  it('reads pieces, scores, types, special ids and normalizer flags as sentencepiece itself does', () => {
    const model = parseSentencePieceModel(readFileSync(join(FIXTURES, 'sp-bpe.model')));
    expect(model.pieces.length).toBe(expected.size);
    expect(model.pieces.map((p) => p.piece)).toEqual(expected.pieces);
    expect(model.pieces.map((p) => p.score)).toEqual(expected.scores.map(Math.fround));
    expect(model.pieces.map((p) => p.type)).toEqual(expected.types);
    const spec = model.trainerSpec;
    expect([spec.bosId, spec.eosId, spec.unkId, spec.padId]).toEqual([expected.bos, expected.eos, expected.unk, expected.pad]);
    expect(spec).toMatchObject({ modelType: 'bpe', byteFallback: true });
    expect(model.normalizerSpec).toMatchObject({ name: 'identity', addDummyPrefix: true, removeExtraWhitespaces: false });
  });

  it('rejects bytes that are not a model', () => {
    expect(() => parseSentencePieceModel(new Uint8Array([0x0a, 0xff]), 'x.model')).toThrow(HfFolderError);
    expect(() => parseSentencePieceModel(new Uint8Array(0), 'x.model')).toThrow(/no pieces/);
  });
});
