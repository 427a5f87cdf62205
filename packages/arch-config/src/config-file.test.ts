// Tests of config-file.ts: JSON shape detection, files and folders on disk, preset-or-file lookup.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromPresetOrFile, detectConfigFormat, loadConfigFile, parseConfigJson } from './config-file';
import { ConfigParseError, ConfigValueError, UnknownPresetError, UnsupportedArchitectureError } from './errors';
import { toHfConfig } from './hf-config';
import { getPreset } from './presets';

const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'arch-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('detectConfigFormat / parseConfigJson', () => {
  it('tells the two shapes apart', () => {
    expect(detectConfigFormat({ model_type: 'llama' })).toBe('huggingface');
    expect(detectConfigFormat({ hidden_size: 1 })).toBe('huggingface');
    expect(detectConfigFormat({ hiddenSize: 1 })).toBe('tinylm');
  });

  it('refuses mixed, empty and non-object JSON, saying what it found', () => {
    expect(() => detectConfigFormat({ hidden_size: 1, hiddenSize: 1 }, 'm.json')).toThrow(
      'm.json: mixes Hugging Face keys (hidden_size) with tinylm keys (hiddenSize)',
    );
    expect(() => detectConfigFormat({ n_embd: 768, n_layer: 12 }, 'gpt.json')).toThrow(
      /gpt\.json: is not a model config: found keys n_embd, n_layer/,
    );
    expect(() => detectConfigFormat([], 'a.json')).toThrow(/found an array/);
    expect(() => detectConfigFormat(null)).toThrow(ConfigParseError);
  });

  it('parses the own shape with defaults, and refuses unknown keys by name', () => {
    const c = parseConfigJson({ vocabSize: 1000, hiddenSize: 128, numLayers: 2, numHeads: 4, mlpRatio: 2, multipleOf: 32 });
    expect(c.intermediateSize).toBe(256);
    expect(() => parseConfigJson({ vocabSize: 1000, hiddenSize: 128, numLayers: 2, numHeads: 4, hiddenLayers: 3 }, 'c.json')).toThrow(
      /^c\.json: unknown key "hiddenLayers"; allowed: vocabSize, hiddenSize, numLayers, numHeads, numKvHeads, intermediateSize, mlpRatio/,
    );
  });

  it('parses a Hugging Face object through fromHfConfig', () => {
    expect(parseConfigJson(toHfConfig(getPreset('tinyllama-1.1b').config))).toEqual(getPreset('tinyllama-1.1b').config);
  });
});

describe('loadConfigFile', () => {
  it('reads own-shape and Hugging Face files from disk', async () => {
    const own = await loadConfigFile(join(fixtures, 'tinylm-small.json'));
    expect(own).toMatchObject({
      vocabSize: 8000,
      hiddenSize: 512,
      numLayers: 10,
      numKvHeads: 2,
      intermediateSize: 1536,
      bosTokenId: 1,
      eosTokenId: 2,
    });
    expect(await loadConfigFile(join(fixtures, 'llama2-7b-hf.config.json'))).toEqual(getPreset('llama2-7b').config);
  });

  it('reads a Hugging Face model folder through its config.json', async () => {
    const dir = join(tmp, 'hf-folder');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(toHfConfig(getPreset('bench-20m').config), null, 2));
    expect(await loadConfigFile(dir)).toEqual(getPreset('bench-20m').config);
    const empty = join(tmp, 'empty-folder');
    mkdirSync(empty);
    expect((await rejection(loadConfigFile(empty))).message).toBe(
      `${empty}: is a folder without config.json (expected a Hugging Face model folder)`,
    );
  });

  it('names the file on invalid JSON and on invalid values', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{ "hiddenSize": 12, ');
    const e = await rejection(loadConfigFile(bad));
    expect(ConfigParseError.isInstance(e)).toBe(true);
    expect(e.message).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: is not valid JSON \\(`));

    const odd = join(tmp, 'odd.json');
    writeFileSync(odd, JSON.stringify({ vocabSize: 100, hiddenSize: 96, numLayers: 2, numHeads: 32 }));
    const v = await rejection(loadConfigFile(odd));
    expect(ConfigValueError.isInstance(v)).toBe(true);
    expect(v.message).toContain(`${odd}: numHeads = 32 is invalid: head size 96 / 32 = 3 is odd`);

    const gpt2 = await rejection(loadConfigFile(join(fixtures, 'gpt2.config.json')));
    expect(UnsupportedArchitectureError.isInstance(gpt2)).toBe(true);
    expect(gpt2.message).toContain('gpt2.config.json: model_type "gpt2"');
  });
});

describe('configFromPresetOrFile', () => {
  it('prefers a preset name, else reads the path', async () => {
    expect(await configFromPresetOrFile('bench-5m')).toBe(getPreset('bench-5m').config);
    expect(await configFromPresetOrFile(join(fixtures, 'tinyllama-1.1b.config.json'))).toEqual(getPreset('tinyllama-1.1b').config);
  });

  it('neither: lists the presets', async () => {
    const e = await rejection(configFromPresetOrFile('llama-2-7b'));
    expect(UnknownPresetError.isInstance(e)).toBe(true);
    expect(e.message).toMatch(/^unknown preset "llama-2-7b" and there is no file or folder at that path; available: pangu-pi-1b, /);
  });
});
