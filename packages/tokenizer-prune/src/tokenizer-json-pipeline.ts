// The pipeline sections of a tokenizer.json (normalizer, pre_tokenizer, post_processor, decoder),
// checked before tokenizers.js (@huggingface/tokenizers) builds them: it throws its own
// "Unknown Normalizer type" errors for a type it lacks, and TypeErrors for a field of the wrong
// type (a `Sequence` whose list is not a list, a pattern that is not a string, ...). Each type
// below is one tokenizers.js 0.2 builds (its create_normalizer / create_pre_tokenizer /
// create_post_processor / create_decoder), with the fields it reads typed as the tokenizers
// library writes them (tokenizers/src/{normalizers,pre_tokenizers,processors,decoders}); other
// fields are left alone, as both libraries ignore them. Sequences are checked step by step; the
// file's depth is bounded before this runs (tooDeepAt, @tinylm/errors), so the recursion is too.

import { z } from 'zod';

const flag = z.boolean().optional();
const nullableFlag = z.boolean().nullable().optional();
const text = z.string().optional();
const count = z.number().int().nonnegative().optional();
/** A `{ String: "..." }` or `{ Regex: "..." }` pattern (tokenizers' SplitPattern / ReplacePattern). */
const pattern = z.union([z.looseObject({ String: z.string() }), z.looseObject({ Regex: z.string() })], {
  error: 'expected { "String": "..." } or { "Regex": "..." }',
});
const replace = z.looseObject({ pattern, content: z.string() });
const prependScheme = z.enum(['always', 'never', 'first']).optional();
const behavior = z.enum(['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous']).optional();
const list = z.array(z.unknown());
/** [token, id], as BertProcessing / RobertaProcessing write `sep` and `cls`. */
const tokenAndId = z.tuple([z.string(), z.number().int().nonnegative()]);
const templatePiece = z.union(
  [
    z.looseObject({ SpecialToken: z.looseObject({ id: z.string(), type_id: z.number().int().nonnegative() }) }),
    z.looseObject({ Sequence: z.looseObject({ id: z.enum(['A', 'B']), type_id: z.number().int().nonnegative() }) }),
  ],
  { error: 'expected { "SpecialToken": { id, type_id } } or { "Sequence": { id: "A" | "B", type_id } }' },
);

/** One section kind: the schema of each type, and the field holding a Sequence's steps. */
export interface SectionKind {
  /** Name in messages. */
  name: string;
  types: Readonly<Record<string, z.ZodType>>;
  /** The field of a `Sequence` that lists its steps. */
  steps: string;
}

export const NORMALIZERS: SectionKind = {
  name: 'normalizer',
  steps: 'normalizers',
  types: {
    BertNormalizer: z.looseObject({ clean_text: flag, handle_chinese_chars: flag, strip_accents: nullableFlag, lowercase: flag }),
    Precompiled: z.looseObject({ precompiled_charsmap: z.string().nullable().optional() }),
    Sequence: z.looseObject({ normalizers: list }),
    Replace: replace,
    NFC: z.looseObject({}),
    NFD: z.looseObject({}),
    NFKC: z.looseObject({}),
    NFKD: z.looseObject({}),
    Strip: z.looseObject({ strip_left: flag, strip_right: flag }),
    StripAccents: z.looseObject({}),
    Lowercase: z.looseObject({}),
    Prepend: z.looseObject({ prepend: z.string() }),
  },
};

export const PRE_TOKENIZERS: SectionKind = {
  name: 'pre_tokenizer',
  steps: 'pretokenizers',
  types: {
    BertPreTokenizer: z.looseObject({}),
    Sequence: z.looseObject({ pretokenizers: list }),
    Whitespace: z.looseObject({}),
    WhitespaceSplit: z.looseObject({}),
    Metaspace: z.looseObject({ replacement: text, str_rep: text, prepend_scheme: prependScheme, split: flag, add_prefix_space: flag }),
    ByteLevel: z.looseObject({ add_prefix_space: flag, trim_offsets: flag, use_regex: flag }),
    Split: z.looseObject({ pattern, behavior, invert: flag }),
    Punctuation: z.looseObject({ behavior }),
    Digits: z.looseObject({ individual_digits: flag }),
    Replace: replace,
    // tokenizers.js steps through the text `length` characters at a time: 0 would never end.
    FixedLength: z.looseObject({ length: z.number().int().positive() }),
  },
};

export const POST_PROCESSORS: SectionKind = {
  name: 'post_processor',
  steps: 'processors',
  types: {
    TemplateProcessing: z.looseObject({
      single: z.array(templatePiece),
      pair: z.array(templatePiece),
      special_tokens: z
        .record(z.string(), z.looseObject({ id: z.string(), ids: z.array(z.number().int().nonnegative()), tokens: z.array(z.string()) }))
        .optional(),
    }),
    ByteLevel: z.looseObject({ add_prefix_space: flag, trim_offsets: flag, use_regex: flag }),
    BertProcessing: z.looseObject({ sep: tokenAndId, cls: tokenAndId }),
    RobertaProcessing: z.looseObject({ sep: tokenAndId, cls: tokenAndId, trim_offsets: flag, add_prefix_space: flag }),
    Sequence: z.looseObject({ processors: list }),
  },
};

export const DECODERS: SectionKind = {
  name: 'decoder',
  steps: 'decoders',
  types: {
    ByteLevel: z.looseObject({ add_prefix_space: flag, trim_offsets: flag, use_regex: flag }),
    WordPiece: z.looseObject({ prefix: text, cleanup: flag }),
    Metaspace: z.looseObject({ replacement: text, prepend_scheme: prependScheme, split: flag, add_prefix_space: flag }),
    BPEDecoder: z.looseObject({ suffix: text }),
    CTC: z.looseObject({ pad_token: text, word_delimiter_token: text, cleanup: flag }),
    Sequence: z.looseObject({ decoders: list }),
    Replace: replace,
    Fuse: z.looseObject({}),
    Strip: z.looseObject({ content: text, start: count, stop: count }),
    ByteFallback: z.looseObject({}),
  },
};

/** Where a section breaks the schema: the path below the section, what is wrong, and what is allowed. */
export interface SectionIssue {
  path: (string | number)[];
  why: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The first problem of section `value` of kind `kind` (null or absent is allowed at the top, as
 * "no step"), or null when tokenizers.js can build it. Steps of a Sequence must be objects.
 */
export function sectionIssue(kind: SectionKind, value: unknown, path: (string | number)[] = []): SectionIssue | null {
  if (value === null || value === undefined) {
    return path.length === 0 ? null : { path, why: `is not a ${kind.name} object` };
  }
  if (!isRecord(value)) return { path, why: `is not a ${kind.name} object (or null)` };
  const type = value.type;
  const supported = Object.keys(kind.types).join(', ');
  if (typeof type !== 'string')
    return { path: [...path, 'type'], why: `is missing or not a string; supported ${kind.name} types: ${supported}` };
  if (!Object.hasOwn(kind.types, type)) {
    return { path: [...path, 'type'], why: `${kind.name} type is not supported; supported ${kind.name} types: ${supported}` };
  }
  const result = kind.types[type].safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      path: [...path, ...issue.path.map((k) => (typeof k === 'number' ? k : String(k)))],
      why: `is invalid in a ${type} ${kind.name}: ${issue.message}`,
    };
  }
  if (type === 'Sequence') {
    const steps = value[kind.steps] as unknown[];
    for (let i = 0; i < steps.length; i++) {
      const inner = sectionIssue(kind, steps[i], [...path, kind.steps, i]);
      if (inner) return inner;
    }
  }
  return null;
}
