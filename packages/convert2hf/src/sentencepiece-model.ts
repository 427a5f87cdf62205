// Reading a SentencePiece `tokenizer.model` (a serialized `sentencepiece.ModelProto`): the pieces
// with their scores and types, the special ids, the model type and the normalizer flags that
// GGUF's tokenizer metadata needs. A minimal protobuf wire-format reader (varint, 64-bit,
// length-delimited, 32-bit; https://protobuf.dev/programming-guides/encoding/), with field
// numbers from google/sentencepiece's src/sentencepiece_model.proto (checked against the
// descriptor in Debian's python3-sentencepiece): ModelProto.pieces = 1, trainer_spec = 2,
// normalizer_spec = 3; SentencePiece.piece = 1, score = 2, type = 3 (NORMAL 1, UNKNOWN 2,
// CONTROL 3, USER_DEFINED 4, UNUSED 5, BYTE 6); TrainerSpec.model_type = 3 (UNIGRAM 1, BPE 2,
// WORD 3, CHAR 4), byte_fallback = 35, unk_id = 40, bos_id = 41, eos_id = 42, pad_id = 43;
// NormalizerSpec.name = 1, add_dummy_prefix = 3, remove_extra_whitespaces = 4.

import { CheckpointError } from './errors';

/** One piece of a SentencePiece model. */
export interface SentencePiece {
  readonly piece: string;
  readonly score: number;
  /** 1 NORMAL, 2 UNKNOWN, 3 CONTROL, 4 USER_DEFINED, 5 UNUSED, 6 BYTE (the same numbers as GGUF's token types). */
  readonly type: number;
}

/** The parts of a SentencePiece ModelProto this package uses. */
export interface SentencePieceModel {
  readonly pieces: readonly SentencePiece[];
  /** 1 UNIGRAM, 2 BPE, 3 WORD, 4 CHAR. */
  readonly modelType: number;
  readonly byteFallback: boolean;
  /** -1 when the model has none. */
  readonly unkId: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  /** NormalizerSpec.name, e.g. "nmt_nfkc" (spm_train's default) or "identity" (LLaMA's). */
  readonly normalizerName: string;
  readonly addDummyPrefix: boolean;
  readonly removeExtraWhitespaces: boolean;
}

class Reader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly source: string
  ) {}

  fail(message: string): never {
    throw new CheckpointError({ message: `${this.source}: not a valid SentencePiece model (${message} at byte ${this.pos})`, file: this.source });
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.bytes.length) this.fail('truncated varint');
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    return this.fail('varint too long');
  }

  int32(): number {
    return Number(BigInt.asIntN(32, this.varint()));
  }

  bytesField(): Uint8Array {
    const n = Number(this.varint());
    if (this.pos + n > this.bytes.length) this.fail('a field runs past the end (truncated?)');
    this.pos += n;
    return this.bytes.subarray(this.pos - n, this.pos);
  }

  float(): number {
    if (this.pos + 4 > this.bytes.length) this.fail('truncated float');
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytesField();
    else if (wire === 5) this.pos += 4;
    else this.fail(`unsupported wire type ${wire}`);
    if (this.pos > this.bytes.length) this.fail('truncated field');
  }

  /** Iterates (field number, wire type). */
  *fields(): Generator<[number, number]> {
    while (!this.done) {
      const tag = Number(this.varint());
      yield [tag >>> 3, tag & 7];
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Parses a SentencePiece `tokenizer.model`. Throws `CheckpointError` naming `source` when the
 * bytes are not a ModelProto with at least one piece.
 */
export function parseSentencePieceModel(bytes: Uint8Array, source = 'tokenizer.model'): SentencePieceModel {
  const r = new Reader(bytes, source);
  const pieces: SentencePiece[] = [];
  let modelType = 1;
  let byteFallback = false;
  let unkId = 0;
  let bosId = 1;
  let eosId = 2;
  let padId = -1;
  let normalizerName = '';
  let addDummyPrefix = true;
  let removeExtraWhitespaces = true;
  for (const [field, wire] of r.fields()) {
    if (field === 1 && wire === 2) {
      const p = new Reader(r.bytesField(), source);
      let piece = '';
      let score = 0;
      let type = 1;
      for (const [f, w] of p.fields()) {
        if (f === 1 && w === 2) piece = utf8.decode(p.bytesField());
        else if (f === 2 && w === 5) score = p.float();
        else if (f === 3 && w === 0) type = p.int32();
        else p.skip(w);
      }
      pieces.push({ piece, score, type });
    } else if (field === 2 && wire === 2) {
      const t = new Reader(r.bytesField(), source);
      for (const [f, w] of t.fields()) {
        if (w !== 0) t.skip(w);
        else if (f === 3) modelType = t.int32();
        else if (f === 35) byteFallback = t.varint() !== 0n;
        else if (f === 40) unkId = t.int32();
        else if (f === 41) bosId = t.int32();
        else if (f === 42) eosId = t.int32();
        else if (f === 43) padId = t.int32();
        else t.skip(w);
      }
    } else if (field === 3 && wire === 2) {
      const n = new Reader(r.bytesField(), source);
      for (const [f, w] of n.fields()) {
        if (w === 2 && f === 1) normalizerName = utf8.decode(n.bytesField());
        else if (w === 0 && f === 3) addDummyPrefix = n.varint() !== 0n;
        else if (w === 0 && f === 4) removeExtraWhitespaces = n.varint() !== 0n;
        else n.skip(w);
      }
    } else r.skip(wire);
  }
  if (pieces.length === 0) r.fail('no pieces');
  return { pieces, modelType, byteFallback, unkId, bosId, eosId, padId, normalizerName, addDummyPrefix, removeExtraWhitespaces };
}
