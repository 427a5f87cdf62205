// A Hugging Face tokenizer.json for the byte-level vocabulary of the `tiny-100k` preset: id = byte.
// Byte-level BPE with no merges, using GPT-2's bytes_to_unicode alphabet (openai/gpt-2 encoder.py),
// so transformers' fast tokenizer and tokenizers.js encode UTF-8 text to exactly its bytes.

/** GPT-2's byte -> printable character map. */
function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const out: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    out[b] = printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  }
  return out;
}

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false } as const;

/** tokenizer.json whose id for each byte is the byte's value. */
export function byteTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  bytesToUnicode().forEach((ch, b) => (vocab[ch] = b));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: BYTE_LEVEL,
    post_processor: null,
    decoder: BYTE_LEVEL,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
}

/** tokenizer_config.json for the same tokenizer (transformers' PreTrainedTokenizerFast). */
export function byteTokenizerConfig(maxLength: number): Record<string, unknown> {
  return { tokenizer_class: 'PreTrainedTokenizerFast', model_max_length: maxLength, clean_up_tokenization_spaces: false };
}

export const encodeText = (text: string): number[] => Array.from(new TextEncoder().encode(text));
export const decodeIds = (ids: readonly number[]): string => new TextDecoder().decode(Uint8Array.from(ids));
