// tokenizer.json files a stranger could hand us, each one a defect the fuzz campaign of issue 18
// found: every one is refused with a TokenizerFormatError naming the file, the JSON path and what
// is allowed, before it reaches per-id arrays or tokenizers.js (which answered with RangeErrors,
// TypeErrors, its own "Unknown ... type" errors, or an endless loop).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smallByteFallbackJson, smallByteLevelJson } from './__fixtures__/small-tokenizers';
import { useTempDir } from './__fixtures__/temp';
import { TokenizerFormatError } from './errors';
import { loadTokenizer, tokenizerFromSource } from './tokenizer';
import { tokenizerSourceFromBytes } from './tokenizer-source';

const tmp = useTempDir();

type Json = Record<string, any>;

/** The error loading `json` as a tokenizer.json gives (it must be a TokenizerFormatError). */
function refusal(json: Json | string): TokenizerFormatError {
  const text = typeof json === 'string' ? json : JSON.stringify(json);
  try {
    tokenizerFromSource(tokenizerSourceFromBytes(new TextEncoder().encode(text), 'hostile/tokenizer.json'));
  } catch (e) {
    if (TokenizerFormatError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('the tokenizer.json was accepted');
}

function edited(base: () => Json, edit: (json: Json) => void): Json {
  const json = base();
  edit(json);
  return json;
}

describe('hostile tokenizer.json', () => {
  it('the seeds themselves load', () => {
    for (const json of [smallByteLevelJson(), smallByteFallbackJson()]) {
      const t = tokenizerFromSource(tokenizerSourceFromBytes(new TextEncoder().encode(JSON.stringify(json)), 'tokenizer.json'));
      expect(t.decode(t.encode('hello world'))).toBe('hello world');
    }
  });

  it('an id at or past 2^32 is refused before any per-id array is sized by it (was RangeError: Invalid array length)', () => {
    const e = refusal(edited(smallByteLevelJson, (j) => (j.model.vocab.hello = 2 ** 32)));
    expect(e.message).toContain('hostile/tokenizer.json: model.vocab["hello"] = 4294967296 is beyond the largest id 2147483647');
    expect(e.field).toBe('model.vocab');
    const added = refusal(edited(smallByteLevelJson, (j) => (j.added_tokens[0].id = 2 ** 32 + 1)));
    expect(added.message).toContain('added_tokens[0].id = 4294967297 is invalid');
  });

  it('an id far beyond the tokens the file holds is refused (was a 1e9-long array per id)', () => {
    const e = refusal(edited(smallByteLevelJson, (j) => (j.added_tokens[1].id = 1e9)));
    expect(e.message).toMatch(/the largest id, 1000000000, is far beyond the 264 ids the file holds \(at most 1552 ids may be spanned/);
  });

  it('pipeline steps of an unknown type are refused naming the type and the supported ones (was tokenizers.js "Unknown Normalizer type")', () => {
    const e = refusal(edited(smallByteLevelJson, (j) => (j.normalizer = { type: 'Bogus' })));
    expect(e.message).toContain(
      'normalizer.type = "Bogus" normalizer type is not supported; supported normalizer types: BertNormalizer, Precompiled,',
    );
    expect(e.field).toBe('normalizer.type');
    expect(e.allowed).toContain('Prepend');
    const inner = refusal(edited(smallByteLevelJson, (j) => (j.pre_tokenizer.pretokenizers[1] = { type: 'Mystery' })));
    expect(inner.message).toContain('pre_tokenizer.pretokenizers[1].type = "Mystery" pre_tokenizer type is not supported');
    const decoder = refusal(edited(smallByteFallbackJson, (j) => (j.decoder.decoders[2] = { kind: 'Fuse' })));
    expect(decoder.message).toContain(
      'decoder.decoders[2].type = undefined is missing or not a string; supported decoder types: ByteLevel,',
    );
    const post = refusal(edited(smallByteFallbackJson, (j) => (j.post_processor.type = 'TemplateProcesing')));
    expect(post.message).toContain('post_processor.type = "TemplateProcesing" post_processor type is not supported');
  });

  it('pipeline fields of the wrong type are refused naming the path (were TypeErrors inside tokenizers.js)', () => {
    const list = refusal(edited(smallByteFallbackJson, (j) => (j.decoder.decoders = 5)));
    expect(list.message).toMatch(/decoder\.decoders = 5 is invalid in a Sequence decoder: .*expected array/);
    const pattern = refusal(edited(smallByteFallbackJson, (j) => (j.normalizer.normalizers[1].pattern = { Regex: 7 })));
    expect(pattern.message).toContain('normalizer.normalizers[1].pattern = {"Regex":7} is invalid in a Replace normalizer');
    const ids = refusal(edited(smallByteFallbackJson, (j) => (j.post_processor.special_tokens['<s>'].ids = [-1])));
    expect(ids.message).toContain('post_processor.special_tokens["<s>"].ids[0] = -1 is invalid in a TemplateProcessing post_processor');
  });

  it('a FixedLength pre-tokenizer of length 0 is refused (encoding with it never ended)', () => {
    const e = refusal(edited(smallByteLevelJson, (j) => (j.pre_tokenizer = { type: 'FixedLength', length: 0 })));
    expect(e.message).toContain('pre_tokenizer.length = 0 is invalid in a FixedLength pre_tokenizer');
  });

  it('nesting deeper than 64 levels is refused naming where (was RangeError: Maximum call stack size exceeded)', () => {
    const deep = JSON.stringify(smallByteLevelJson()).replace(
      '"normalizer":{"type":"NFC"}',
      `"normalizer":${'['.repeat(20000)}${']'.repeat(20000)}`,
    );
    const e = refusal(deep);
    expect(e.message).toMatch(/hostile\/tokenizer\.json: normalizer(\[0\]){63} nests deeper than 64 levels/);
  });

  it('merges in mixed notations, repeated merges and malformed added tokens are refused', () => {
    const mixed = refusal(edited(smallByteFallbackJson, (j) => (j.model.merges[3] = ['l', 'o'])));
    expect(mixed.message).toContain('merge 3 ["l","o"] mixes the "left right" and ["left", "right"] notations in one list');
    const repeated = refusal(edited(smallByteLevelJson, (j) => j.model.merges.push(['h', 'e'])));
    expect(repeated.message).toContain('merge 6 ("h", "e") repeats merge 0');
    const twice = refusal(edited(smallByteLevelJson, (j) => (j.added_tokens[1].id = j.added_tokens[0].id)));
    expect(twice.message).toContain('added_tokens[1] gives id 262 to "<|im_start|>", already added as "<|endoftext|>"');
    const content = refusal(edited(smallByteLevelJson, (j) => (j.added_tokens[0].content = { deep: [1] })));
    expect(content.message).toContain('added_tokens[0] is not { id, content, ... }: added_tokens[0].content = {"deep":[1]} is invalid');
    const option = refusal(edited(smallByteLevelJson, (j) => (j.model.byte_fallback = 'yes')));
    expect(option.message).toContain('model.byte_fallback = "yes" is invalid');
  });

  it("a regex tokenizers.js cannot compile is a TokenizerFormatError with tokenizers.js' error as the cause (was a raw SyntaxError)", () => {
    const e = refusal(edited(smallByteLevelJson, (j) => (j.pre_tokenizer.pretokenizers[0].pattern = { Regex: '(unclosed' })));
    expect(e.message).toMatch(/^hostile\/tokenizer\.json: tokenizers\.js cannot build this tokenizer \(/);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('tokenizer_config.json: a setting of the wrong type, or deep nesting, is a TokenizerFormatError (were TypeError / RangeError)', async () => {
    const dir = join(tmp.dir, 'config');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(smallByteLevelJson()));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ additional_special_tokens: 5 }));
    const wrong = await loadTokenizer(dir).catch((e) => e);
    expect(TokenizerFormatError.isInstance(wrong)).toBe(true);
    expect(wrong.message).toContain('config/tokenizer.json: tokenizers.js cannot build this tokenizer');
    writeFileSync(join(dir, 'tokenizer_config.json'), `{"bos_token": ${'['.repeat(5000)}${']'.repeat(5000)}}`);
    const deep = await loadTokenizer(dir).catch((e) => e);
    expect(TokenizerFormatError.isInstance(deep)).toBe(true);
    expect(deep.message).toMatch(/config\/tokenizer_config\.json: bos_token(\[0\]){63} nests deeper than 64 levels/);
  });
});
