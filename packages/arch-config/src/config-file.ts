// Reading model configs from JSON: this package's own shape (`LlamaConfigInput`, camelCase) or a
// Hugging Face `config.json` (snake_case), told apart by their keys; and the preset-or-file lookup
// the `tinylm` command uses for every `--model` style argument.
// Node's fs is imported lazily, so the rest of the package stays usable in browsers.

import { CONFIG_INPUT_KEYS, resolveConfig, type LlamaConfig, type LlamaConfigInput } from './config';
import { ConfigParseError, showValue, UnknownPresetError } from './errors';
import { fromHfConfig } from './hf-config';
import { getPreset, isPresetName, presetNames } from './presets';

/** The two JSON shapes `parseConfigJson` reads. */
export type ConfigFormat = 'tinylm' | 'huggingface';

const HF_MARKERS = ['model_type', 'architectures', 'hidden_size', 'num_hidden_layers', 'vocab_size'];
const OWN_MARKERS = ['hiddenSize', 'numLayers', 'vocabSize', 'numHeads'];

/** Which shape a parsed JSON object has; throws `ConfigParseError` when it is neither or both. */
export function detectConfigFormat(json: unknown, source?: string): ConfigFormat {
  if (json == null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigParseError(`expected a JSON object with a model config, found ${Array.isArray(json) ? 'an array' : showValue(json)}`, {
      source,
    });
  }
  const keys = Object.keys(json);
  const hf = HF_MARKERS.filter((k) => keys.includes(k));
  const own = OWN_MARKERS.filter((k) => keys.includes(k));
  if (hf.length > 0 && own.length > 0) {
    throw new ConfigParseError(
      `mixes Hugging Face keys (${hf.join(', ')}) with tinylm keys (${own.join(', ')}); use one shape: config.json (snake_case) or LlamaConfigInput (camelCase)`,
      { source },
    );
  }
  if (hf.length > 0) return 'huggingface';
  if (own.length > 0) return 'tinylm';
  throw new ConfigParseError(
    `is not a model config: found keys ${keys.length ? showKeys(keys) : '(none)'}; expected a Hugging Face config.json ` +
      `(model_type, hidden_size, ...) or a tinylm config (${OWN_MARKERS.join(', ')}, ...)`,
    { source },
  );
}

/**
 * A validated `LlamaConfig` from a parsed JSON object in either shape. Own-shape objects must use
 * only `LlamaConfigInput` keys (an unknown key is an error naming it and the allowed keys).
 */
export function parseConfigJson(json: unknown, source?: string): LlamaConfig {
  const format = detectConfigFormat(json, source);
  if (format === 'huggingface') return fromHfConfig(json, source);
  const o = json as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(CONFIG_INPUT_KEYS as readonly string[]).includes(key)) {
      throw new ConfigParseError(`unknown key ${showValue(key)}; allowed: ${CONFIG_INPUT_KEYS.join(', ')}`, { source });
    }
  }
  return resolveConfig(o as unknown as LlamaConfigInput, source);
}

/**
 * Reads a config file (either shape). A directory is read as a Hugging Face model folder: its
 * `config.json`. Throws `ConfigParseError` on invalid JSON, quoting the path.
 */
export async function loadConfigFile(path: string): Promise<LlamaConfig> {
  const { readFile, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  let file = path;
  if ((await stat(path).catch((cause) => Promise.reject(fsError(path, 'look at it', cause)))).isDirectory()) {
    file = join(path, 'config.json');
    if (!(await exists(file)))
      throw new ConfigParseError('is a folder without config.json (expected a Hugging Face model folder)', { source: path });
  }
  const text = await readFile(file, 'utf8').catch((cause) => Promise.reject(fsError(file, 'read it', cause)));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigParseError(`is not valid JSON (${(cause as Error).message})`, { source: file, cause });
  }
  return parseConfigJson(json, file);
}

/**
 * A preset by name, else a config file or Hugging Face folder at that path. When neither exists,
 * throws `UnknownPresetError` listing the presets.
 */
export async function configFromPresetOrFile(nameOrPath: string): Promise<LlamaConfig> {
  if (isPresetName(nameOrPath)) return getPreset(nameOrPath).config;
  if (!(await exists(nameOrPath))) {
    throw new UnknownPresetError(nameOrPath, presetNames(), ' and there is no file or folder at that path');
  }
  return loadConfigFile(nameOrPath);
}

async function exists(path: string): Promise<boolean> {
  const { stat } = await import('node:fs/promises');
  try {
    await stat(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw fsError(path, 'look at it', error);
  }
}

/** An operating-system error (no permission, a name too long) as a `ConfigParseError` naming the path. */
function fsError(path: string, doing: string, cause: unknown): ConfigParseError {
  const why = cause instanceof Error ? cause.message : showValue(cause);
  return new ConfigParseError(`cannot ${doing} (${why.slice(0, 300)})`, { source: path.length > 300 ? showValue(path) : path, cause });
}

/** The first keys of an object, each shown bounded (a hostile file's keys may be megabytes long). */
function showKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, 12).map((k) => (/^[\w.-]{1,40}$/.test(k) ? k : showValue(k)));
  return keys.length > 12 ? `${shown.join(', ')}, ... (${keys.length} in all)` : shown.join(', ');
}
