// The byte-level alphabet of GPT-2-style BPE (also Qwen, Llama-3, ...): every byte 0..255 is
// written as one printable character, so that BPE runs over bytes while the vocabulary stays a
// set of strings. Follows `bytes_to_unicode()` of openai/gpt-2 encoder.py, which Hugging Face
// tokenizers' ByteLevel pre-tokenizer and decoder reuse.

function buildTable(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = new Array(256);
  const isPrintable = new Set(printable);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCodePoint(isPrintable.has(b) ? b : 256 + extra++);
  }
  return table;
}

/** `BYTE_LEVEL_ALPHABET[b]` is the character that stands for byte `b`. */
export const BYTE_LEVEL_ALPHABET: readonly string[] = Object.freeze(buildTable());
