// SentencePiece `.model` files (a model's `tokenizer.model`): the `ModelProto` message of
// google/sentencepiece's src/sentencepiece_model.proto (proto2), read and written with our small
// wire codec (protobuf.ts). The one reader for every tinylm package: tokenizer-prune encodes with
// and prunes it, convert2hf reads it for config ids and GGUF tokenizer metadata.
// ModelProto: pieces = 1 (SentencePiece {piece = 1, score = 2, type = 3}), trainer_spec = 2,
// normalizer_spec = 3, self_test_data = 4, denormalizer_spec = 5.
// Only the fields the tokenizer needs are decoded; rewriting copies every other byte as it was
// (unknown fields and extensions included), so a pruned model differs from the original only
// in its pieces, the TrainerSpec ids/size we update, and the dropped self-test samples.

import { HfFolderError } from './errors';
import {
  boolOf,
  floatOf,
  int32Of,
  ProtobufDecodeError,
  ProtoWriter,
  type RawField,
  readFields,
  stringOf,
  WIRE_I32,
  WIRE_LEN,
  WIRE_VARINT,
} from './protobuf';
import { showValue } from '@tinylm/errors';

/** `ModelProto.SentencePiece.Type`. */
export const PieceType = Object.freeze({
  NORMAL: 1,
  UNKNOWN: 2,
  CONTROL: 3,
  USER_DEFINED: 4,
  UNUSED: 5,
  BYTE: 6,
} as const);

/** A value of `PieceType`. */
export type PieceTypeValue = (typeof PieceType)[keyof typeof PieceType];

/** One vocabulary entry of a SentencePiece model. */
export interface SentencePiece {
  piece: string;
  score: number;
  type: PieceTypeValue;
}

/** `TrainerSpec.ModelType`: the model kinds this package can use. */
export type SentencePieceModelType = 'unigram' | 'bpe' | 'word' | 'char';

/** The NormalizerSpec fields that decide how text is normalized. */
export interface NormalizerSpec {
  name: string;
  /** Double-array trie + replacement strings; empty for identity normalization. */
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

/** The TrainerSpec fields the encoder and the pruner use (proto defaults filled in). */
export interface TrainerSpec {
  modelType: SentencePieceModelType;
  vocabSize: number;
  byteFallback: boolean;
  treatWhitespaceAsSuffix: boolean;
  unkId: number;
  bosId: number;
  eosId: number;
  padId: number;
  unkPiece: string;
  bosPiece: string;
  eosPiece: string;
  padPiece: string;
  unkSurface: string;
}

/** A parsed `.model` file, with the original bytes kept for byte-exact rewriting. */
export interface SentencePieceModel {
  pieces: SentencePiece[];
  trainerSpec: TrainerSpec;
  normalizerSpec: NormalizerSpec;
  /** Present when the model has a denormalizer with rules (rare). */
  denormalizerSpec: NormalizerSpec | null;
  /** Whether the model carries self-test samples (dropped when pruning). */
  hasSelfTestData: boolean;
  /** The serialized ModelProto this was parsed from. */
  bytes: Uint8Array;
}

const MODEL_TYPES: Record<number, SentencePieceModelType> = { 1: 'unigram', 2: 'bpe', 3: 'word', 4: 'char' };

const NORMALIZER_DEFAULTS: NormalizerSpec = Object.freeze({
  name: '',
  precompiledCharsmap: new Uint8Array(0),
  addDummyPrefix: true,
  removeExtraWhitespaces: true,
  escapeWhitespaces: true,
});

function expectWire(f: RawField, wire: number, what: string): void {
  if (f.wire !== wire) throw new ProtobufDecodeError(`${what} (field ${f.field}) has wire type ${f.wire}`, f.start);
}

function parsePiece(bytes: Uint8Array, outer: RawField): SentencePiece {
  const p: SentencePiece = { piece: '', score: 0, type: PieceType.NORMAL };
  for (const f of readFields(bytes, outer.valueStart, outer.valueEnd)) {
    if (f.field === 1) {
      expectWire(f, WIRE_LEN, 'piece');
      p.piece = stringOf(bytes, f);
    } else if (f.field === 2) {
      expectWire(f, WIRE_I32, 'score');
      p.score = floatOf(bytes, f);
    } else if (f.field === 3) {
      expectWire(f, WIRE_VARINT, 'type');
      const t = int32Of(f);
      if (t < 1 || t > 6) throw new ProtobufDecodeError(`unknown piece type ${t}`, f.start);
      p.type = t as PieceTypeValue;
    }
  }
  return p;
}

function parseNormalizer(bytes: Uint8Array, outer: RawField): NormalizerSpec {
  const n: NormalizerSpec = { ...NORMALIZER_DEFAULTS };
  for (const f of readFields(bytes, outer.valueStart, outer.valueEnd)) {
    if (f.field === 1 && f.wire === WIRE_LEN) n.name = stringOf(bytes, f);
    else if (f.field === 2 && f.wire === WIRE_LEN) n.precompiledCharsmap = bytes.slice(f.valueStart, f.valueEnd);
    else if (f.field === 3 && f.wire === WIRE_VARINT) n.addDummyPrefix = boolOf(f);
    else if (f.field === 4 && f.wire === WIRE_VARINT) n.removeExtraWhitespaces = boolOf(f);
    else if (f.field === 5 && f.wire === WIRE_VARINT) n.escapeWhitespaces = boolOf(f);
  }
  return n;
}

function parseTrainer(bytes: Uint8Array, outer: RawField | undefined): TrainerSpec {
  const t: TrainerSpec = {
    modelType: 'unigram',
    vocabSize: 8000,
    byteFallback: false,
    treatWhitespaceAsSuffix: false,
    unkId: 0,
    bosId: 1,
    eosId: 2,
    padId: -1,
    unkPiece: '<unk>',
    bosPiece: '<s>',
    eosPiece: '</s>',
    padPiece: '<pad>',
    unkSurface: ' \u2047 ',
  };
  if (!outer) return t;
  for (const f of readFields(bytes, outer.valueStart, outer.valueEnd)) {
    if (f.wire === WIRE_VARINT) {
      if (f.field === 3) {
        const type = MODEL_TYPES[int32Of(f)];
        if (!type) throw new ProtobufDecodeError(`unknown model_type ${int32Of(f)}`, f.start);
        t.modelType = type;
      } else if (f.field === 4) t.vocabSize = int32Of(f);
      else if (f.field === 35) t.byteFallback = boolOf(f);
      else if (f.field === 24) t.treatWhitespaceAsSuffix = boolOf(f);
      else if (f.field === 40) t.unkId = int32Of(f);
      else if (f.field === 41) t.bosId = int32Of(f);
      else if (f.field === 42) t.eosId = int32Of(f);
      else if (f.field === 43) t.padId = int32Of(f);
    } else if (f.wire === WIRE_LEN) {
      if (f.field === 45) t.unkPiece = stringOf(bytes, f);
      else if (f.field === 46) t.bosPiece = stringOf(bytes, f);
      else if (f.field === 47) t.eosPiece = stringOf(bytes, f);
      else if (f.field === 48) t.padPiece = stringOf(bytes, f);
      else if (f.field === 44) t.unkSurface = stringOf(bytes, f);
    }
  }
  return t;
}

/**
 * Parses a serialized ModelProto. `file` names the source in errors. Throws
 * `HfFolderError` when the bytes are not a well-formed ModelProto (truncated, wrong wire
 * types, no pieces, duplicate pieces, no `<unk>`, byte pieces missing under byte fallback).
 */
export function parseSentencePieceModel(bytes: Uint8Array, file = '<buffer>'): SentencePieceModel {
  const fail = (why: string, cause?: unknown): never => {
    throw new HfFolderError({
      message: `${file}: not a valid SentencePiece model (ModelProto): ${why}`,
      file,
      cause,
    });
  };
  let fields: RawField[];
  try {
    fields = readFields(bytes);
  } catch (e) {
    return fail(`${(e as Error).message} at byte ${(e as ProtobufDecodeError).offset ?? '?'} of ${bytes.length}`, e);
  }
  const pieces: SentencePiece[] = [];
  let trainerField: RawField | undefined;
  let normalizerField: RawField | undefined;
  let denormalizerField: RawField | undefined;
  let hasSelfTestData = false;
  try {
    for (const f of fields) {
      if (f.field === 1) {
        expectWire(f, WIRE_LEN, 'pieces');
        pieces.push(parsePiece(bytes, f));
      } else if (f.field === 2) {
        expectWire(f, WIRE_LEN, 'trainer_spec');
        trainerField = f;
      } else if (f.field === 3) {
        expectWire(f, WIRE_LEN, 'normalizer_spec');
        normalizerField = f;
      } else if (f.field === 4) hasSelfTestData = true;
      else if (f.field === 5) {
        expectWire(f, WIRE_LEN, 'denormalizer_spec');
        denormalizerField = f;
      }
    }
  } catch (e) {
    return fail((e as Error).message, e);
  }
  let trainerSpec: TrainerSpec;
  let normalizerSpec: NormalizerSpec;
  let denormalizerSpec: NormalizerSpec | null = null;
  try {
    trainerSpec = parseTrainer(bytes, trainerField);
    normalizerSpec = normalizerField ? parseNormalizer(bytes, normalizerField) : { ...NORMALIZER_DEFAULTS };
    if (denormalizerField) {
      const d = parseNormalizer(bytes, denormalizerField);
      if (d.precompiledCharsmap.length > 0) denormalizerSpec = d;
    }
  } catch (e) {
    return fail((e as Error).message, e);
  }
  if (pieces.length === 0) fail('it has no pieces (field 1)');
  const seen = new Map<string, number>();
  let unk = -1;
  let bytePieces = 0;
  for (let id = 0; id < pieces.length; id++) {
    const p = pieces[id];
    if (p.piece === '') fail(`piece ${id} is empty`);
    const before = seen.get(p.piece);
    if (before !== undefined) fail(`piece ${showValue(p.piece)} appears twice (ids ${before} and ${id})`);
    seen.set(p.piece, id);
    if (p.type === PieceType.UNKNOWN) {
      if (unk >= 0) fail(`two <unk> pieces (ids ${unk} and ${id})`);
      unk = id;
    }
    if (p.type === PieceType.BYTE) bytePieces++;
  }
  if (unk < 0) fail('no piece of type UNKNOWN (<unk>)');
  if (trainerSpec.byteFallback) {
    for (let b = 0; b < 256; b++) {
      const name = bytePieceName(b);
      const id = seen.get(name);
      if (id === undefined || pieces[id].type !== PieceType.BYTE) fail(`byte_fallback is on but byte piece ${name} is missing`);
    }
  } else if (bytePieces > 0) {
    fail('it has BYTE pieces but byte_fallback is off');
  }
  return { pieces, trainerSpec, normalizerSpec, denormalizerSpec, hasSelfTestData, bytes };
}

/** `<0xNN>`, the name of byte piece `b` (upper-case hex), as SentencePiece spells it. */
export function bytePieceName(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/** Edits applied by `rewriteSentencePieceModel`. */
export interface SentencePieceRewrite {
  /** Old ids of the pieces to keep, ascending; they become ids 0..n-1 in this order. */
  keep: readonly number[];
}

/**
 * Writes `model` with only the pieces in `edit.keep`, renumbered in their old order. Every other
 * field is copied byte for byte, except: TrainerSpec `vocab_size` becomes the new size and its
 * `unk_id` / `bos_id` / `eos_id` / `pad_id` are remapped (a special whose piece was dropped
 * becomes -1); `self_test_data` is dropped, since its expected segmentations belong to the old
 * vocabulary. With `keep` = all ids and no self-test data, the output equals the input.
 */
export function rewriteSentencePieceModel(model: SentencePieceModel, edit: SentencePieceRewrite): Uint8Array {
  const { bytes } = model;
  const newId = new Map<number, number>();
  edit.keep.forEach((old, i) => newId.set(old, i));
  const w = new ProtoWriter();
  let pieceIndex = 0;
  for (const f of readFields(bytes)) {
    if (f.field === 1) {
      if (newId.has(pieceIndex)) w.raw(bytes.subarray(f.start, f.end));
      pieceIndex++;
    } else if (f.field === 2) {
      w.bytesField(2, rewriteTrainerSpec(bytes, f, model.trainerSpec, newId, edit.keep.length));
    } else if (f.field === 4) {
      // self_test_data: dropped (see above).
    } else {
      w.raw(bytes.subarray(f.start, f.end));
    }
  }
  return w.finish();
}

const ID_FIELDS: ReadonlyArray<[number, keyof TrainerSpec]> = [
  [40, 'unkId'],
  [41, 'bosId'],
  [42, 'eosId'],
  [43, 'padId'],
];

function rewriteTrainerSpec(bytes: Uint8Array, outer: RawField, spec: TrainerSpec, newId: Map<number, number>, size: number): Uint8Array {
  const w = new ProtoWriter();
  const mapped = new Map<number, number>();
  for (const [field, key] of ID_FIELDS) {
    const old = spec[key] as number;
    mapped.set(field, old < 0 ? old : (newId.get(old) ?? -1));
  }
  const written = new Set<number>();
  for (const f of readFields(bytes, outer.valueStart, outer.valueEnd)) {
    if (f.field === 4 && f.wire === WIRE_VARINT) {
      if (!written.has(4)) w.int32Field(4, size);
      written.add(4);
    } else if (mapped.has(f.field) && f.wire === WIRE_VARINT) {
      w.int32Field(f.field, mapped.get(f.field)!);
      written.add(f.field);
    } else {
      w.raw(bytes.subarray(f.start, f.end));
    }
  }
  if (!written.has(4)) w.int32Field(4, size);
  // Ids left at their proto default stay implicit only while the default is still right.
  const defaults = new Map([
    [40, 0],
    [41, 1],
    [42, 2],
    [43, -1],
  ]);
  for (const [field, value] of mapped) {
    if (!written.has(field) && value !== defaults.get(field)) w.int32Field(field, value);
  }
  return w.finish();
}
