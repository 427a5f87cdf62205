// Two small but complete tokenizer.json files, the seeds of the fuzz tests and the base of the
// hostile-input tests: a byte-level BPE (Qwen's pipeline: NFC, a Split regex then ByteLevel,
// ByteLevel decoder and post-processor) and a BPE with byte fallback (Llama-2's pipeline: Prepend
// and Replace normalizers, TemplateProcessing with <s>, a Replace / ByteFallback / Fuse / Strip
// decoder, "a b" merges). Each holds the 256 byte symbols and a few merges, so a mutant is read
// in milliseconds where Qwen3's 7 MB file would take a second.

import { bytePieceName } from '@tinylm/hf-io';
import { BYTE_LEVEL_ALPHABET } from '../byte-level';

/** Qwen2/3's pre-tokenizer regex. */
const QWEN_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

function merged(vocab: Record<string, number>, merges: [string, string][]): void {
  let next = Math.max(...Object.values(vocab)) + 1;
  for (const [a, b] of merges) if (!(a + b in vocab)) vocab[a + b] = next++;
}

/** A byte-level BPE tokenizer.json (as an object), 256 byte symbols + 6 merges + 2 added tokens. */
export function smallByteLevelJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  BYTE_LEVEL_ALPHABET.forEach((c, b) => {
    vocab[c] = b;
  });
  const merges: [string, string][] = [
    ['h', 'e'],
    ['l', 'l'],
    ['he', 'll'],
    ['hell', 'o'],
    ['\u0120', 'w'],
    ['\u0120w', 'o'],
  ];
  merged(vocab, merges);
  const next = Object.keys(vocab).length;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: next, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: next + 1, content: '<|im_start|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ],
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: QWEN_SPLIT }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

/** A BPE tokenizer.json with byte fallback (as an object): <unk> <s> </s>, 256 <0xNN> pieces, ▁-words, "a b" merges. */
export function smallByteFallbackJson(): Record<string, unknown> {
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[bytePieceName(b)] = 3 + b;
  let next = 259;
  for (const c of '\u2581helowrd') vocab[c] = next++;
  const merges: [string, string][] = [
    ['\u2581', 'h'],
    ['e', 'l'],
    ['\u2581h', 'el'],
    ['l', 'o'],
    ['\u2581', 'w'],
    ['o', 'r'],
  ];
  merged(vocab, merges);
  const added = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added(0, '<unk>'), added(1, '<s>'), added(2, '</s>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '\u2581' },
        { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '\u2581' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}
