// Fuzzing the SentencePiece `.model` reader and its protobuf codec (docs/security.md): mutants
// of a real model (trained by the sentencepiece library, see __fixtures__/sp-bpe.model) and of
// models built with ProtoWriter must be read, or refused with a tinylm error, in bounded time
// and memory; a model that is read must also rewrite.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { FUZZ_TIMEOUT_MS, fuzz, mutants } from '../../../tooling/fuzz/harness';
import { ProtoWriter } from './protobuf';
import { parseSentencePieceModel, rewriteSentencePieceModel } from './sentencepiece-model';

/** A small unigram model: pieces <unk>, <s>, </s>, a, b; trainer and normalizer specs. */
function builtModel(byteFallback: boolean): Uint8Array {
  const piece = (text: string, score: number, type: number) => {
    const p = new ProtoWriter().bytesField(1, new TextEncoder().encode(text)).tag(2, 5);
    const f = new Uint8Array(new Float32Array([score]).buffer);
    return p.raw(f).int32Field(3, type).finish();
  };
  const w = new ProtoWriter();
  w.bytesField(1, piece('<unk>', 0, 2))
    .bytesField(1, piece('<s>', 0, 3))
    .bytesField(1, piece('</s>', 0, 3));
  w.bytesField(1, piece('\u2581a', -1, 1)).bytesField(1, piece('b', -2.5, 1));
  if (byteFallback) for (let b = 0; b < 256; b++) w.bytesField(1, piece(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 0, 6));
  const trainer = new ProtoWriter()
    .int32Field(3, 1)
    .int32Field(4, byteFallback ? 261 : 5)
    .int32Field(35, byteFallback ? 1 : 0)
    .int32Field(43, -1);
  w.bytesField(2, trainer.finish());
  w.bytesField(3, new ProtoWriter().bytesField(1, new TextEncoder().encode('identity')).int32Field(3, 1).finish());
  return w.finish();
}

const seeds = [new Uint8Array(readFileSync(join(__dirname, '__fixtures__', 'sp-bpe.model'))), builtModel(false), builtModel(true)];

describe('parseSentencePieceModel under fuzzing', () => {
  it(
    'reads or refuses every mutant cleanly',
    async () => {
      await fuzz('sentencepiece-model', mutants(seeds), (input) => {
        const model = parseSentencePieceModel(input, 'fuzz.model');
        rewriteSentencePieceModel(model, { keep: model.pieces.map((_, i) => i) });
      });
    },
    FUZZ_TIMEOUT_MS,
  );
});
