// Regression tests for issue 18 (hostile input): config.json files from strangers. Each defect
// found by fuzzing, with a minimal input built here: deep or huge JSON gives a short message
// (it used to overflow the stack building it), absurd shapes are refused with the limit named,
// and a shape's training memory is estimated, and refused, before anything is allocated.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfigJson } from './config-file';
import { ConfigParseError, ConfigValueError } from './errors';
import { fromHfConfig } from './hf-config';
import { getPreset } from './presets';
import { resolveConfig } from './config';
import { SHAPE_LIMITS } from './validate';

const dir = mkdtempSync(join(tmpdir(), 'arch-config-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` as a config.json and loads it; returns what it throws. */
async function loadError(text: string): Promise<Error & Record<string, unknown>> {
  const path = join(dir, 'config.json');
  writeFileSync(path, text);
  try {
    await loadConfigFile(path);
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected an error');
}

const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const llama = { model_type: 'llama', vocab_size: 32000, num_attention_heads: 8, intermediate_size: 1024 };

describe('config.json: offending values are shown bounded', () => {
  it('refuses a field nested 100,000 deep with a short message (was RangeError: Maximum call stack size exceeded)', async () => {
    const error = await loadError(
      `{"model_type":"llama","vocab_size":8,"num_attention_heads":2,"intermediate_size":8,"num_hidden_layers":1,"hidden_size":${deep(100_000)}}`,
    );
    expect(ConfigValueError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/config\.json: hidden_size = \[\[\[\[…\]\]\]\] is invalid: allowed: a positive integer$/);
  });

  it('refuses a nested model_type / architectures and a top-level value, bounded', async () => {
    const arch = await loadError(`{"model_type":${deep(100_000)}}`);
    expect(arch.message).toContain('model_type [[[[…]]]], architectures undefined is not supported');
    const top = await loadError(JSON.stringify('x'.repeat(100_000)));
    expect(ConfigParseError.isInstance(top)).toBe(true);
    expect(top.message).toMatch(/found "x+…" \(100000 characters\)$/);
    expect(top.message.length).toBeLessThan(400);
  });

  it('shows long unknown keys cut, in both shapes', async () => {
    const key = 'k'.repeat(100_000);
    expect(() => parseConfigJson({ hiddenSize: 64, [key]: 1 })).toThrow(/unknown key "k+…" \(100000 characters\); allowed/);
    const error = await loadError(JSON.stringify({ [key]: 1, other: 2 }));
    expect(error.message).toMatch(/found keys "k+…" \(100000 characters\), other; expected/);
  });

  it('wraps an unreadable path as a ConfigParseError (was a raw ENOENT / ENAMETOOLONG)', async () => {
    for (const [path, code] of [
      [join(dir, 'absent.json'), 'ENOENT'],
      [join(dir, 'n'.repeat(5000)), 'ENAMETOOLONG'],
    ]) {
      const error = await loadConfigFile(path).catch((e) => e);
      expect(ConfigParseError.isInstance(error)).toBe(true);
      expect((error.cause as NodeJS.ErrnoException).code).toBe(code);
      expect(error.message.length).toBeLessThan(800);
    }
  });
});

describe('absurd shapes are refused by validation, naming the limit', () => {
  it('refuses a config.json with hidden size 1.6e6 and 1e5 layers (it made train allocate 3.4 GB)', async () => {
    const text =
      '{"model_type":"llama","vocab_size":32000,"hidden_size":1600000,"num_hidden_layers":100000,"num_attention_heads":8,"intermediate_size":64}';
    const error = await loadError(text);
    expect(ConfigValueError.isInstance(error)).toBe(true);
    expect(error.message).toContain(`hidden_size = 1600000 is invalid: it is above tinylm's limit for hidden_size`);
    expect(error.message).toContain(`allowed: a positive integer <= ${SHAPE_LIMITS.hiddenSize}`);
    const layers = () => fromHfConfig({ ...llama, hidden_size: 4096, num_hidden_layers: 100_000 });
    expect(layers).toThrow(`num_hidden_layers = 100000 is invalid`);
    expect(layers).toThrow(`allowed: a positive integer <= ${SHAPE_LIMITS.numLayers}`);
  });

  it('keeps every published shape valid', () => {
    for (const name of ['llama2-7b'] as const) expect(() => getPreset(name)).not.toThrow();
    // Llama-3.1-405B: d 16384, 126 layers, V 128256, f 53248, 128k context.
    const big = { ...llama, vocab_size: 128256, hidden_size: 16384, num_hidden_layers: 126, num_attention_heads: 128 };
    expect(() => fromHfConfig({ ...big, num_key_value_heads: 8, intermediate_size: 53248, max_position_embeddings: 131072 })).not.toThrow();
  });

  it('lists the divisors of a large head count quickly (it looped up to the head count)', () => {
    const base = { vocabSize: 100, hiddenSize: 2 ** 20, numLayers: 1, intermediateSize: 64 };
    expect(() => resolveConfig({ ...base, numHeads: 2 ** 16, numKvHeads: 3 })).toThrow(
      /numKvHeads = 3 is invalid: numHeads 65536 is not divisible by it; allowed: a divisor of numHeads 65536: 1, 2, 4, .*, 32768, 65536$/,
    );
  });
});
