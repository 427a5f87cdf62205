// The vocabulary map written by @tinylm/tokenizer-prune (`vocab-map.json`): a JSON object
// { "<old id>": <new id>, ... } over the kept tokens, monotone, new ids 0..N-1 in old-id order
// (docs/method.md section 1: surviving pieces keep their relative order). Inheritance takes the
// embedding and LM-head rows of the kept old ids, in new-id order.
import { readFile } from 'node:fs/promises';
import { showValue } from '@tinylm/errors';
import { VocabMapError } from './errors';

/** A parsed vocabulary map: `oldIds[newId]` is the source id of each new id. */
export interface VocabMap {
  /** Source (old) id of every new id, in new-id order. */
  readonly oldIds: Int32Array;
  /** Where it came from (a path, or `<object>`). */
  readonly source: string;
}

/**
 * Checks a parsed vocab-map.json object against a source vocabulary of `sourceVocab` ids.
 * Throws `VocabMapError` naming the entry for a non-integer key or value, an old id outside
 * [0, sourceVocab), new ids that are not exactly 0..N-1, or a map that is not monotone.
 */
export function parseVocabMap(json: unknown, sourceVocab: number, source = '<object>'): VocabMap {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new VocabMapError(
      `${source}: expected a JSON object { "<old id>": <new id>, ... }, found ${Array.isArray(json) ? 'an array' : showValue(json)}`,
      { file: source, value: json },
    );
  }
  const entries = Object.entries(json as Record<string, unknown>);
  if (entries.length === 0) throw new VocabMapError(`${source}: the map is empty (it must keep at least one token)`, { file: source });
  const n = entries.length;
  const oldIds = new Int32Array(n).fill(-1);
  for (const [key, value] of entries) {
    const oldId = Number(key);
    if (!/^\d+$/.test(key) || !Number.isSafeInteger(oldId)) {
      throw new VocabMapError(`${source}: key ${showValue(key)} is not an old token id (a non-negative integer)`, {
        file: source,
        field: key,
      });
    }
    if (oldId >= sourceVocab) {
      throw new VocabMapError(
        `${source}: old id ${oldId} (entry ${showValue(key)}) is outside the source vocabulary: vocab_size is ${sourceVocab}, ids must be < ${sourceVocab}`,
        { file: source, field: key },
      );
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= n) {
      throw new VocabMapError(
        `${source}: entry ${showValue(key)} maps to ${showValue(value)}; new ids must be integers 0..${n - 1} (the map has ${n} entries)`,
        { file: source, field: key },
      );
    }
    if (oldIds[value] !== -1) {
      throw new VocabMapError(`${source}: new id ${value} is given twice (old ids ${oldIds[value]} and ${oldId})`, {
        file: source,
        field: key,
      });
    }
    oldIds[value] = oldId;
  }
  for (let i = 1; i < n; i++) {
    if (oldIds[i] <= oldIds[i - 1]) {
      throw new VocabMapError(
        `${source}: not monotone: new id ${i - 1} <- old ${oldIds[i - 1]} but new id ${i} <- old ${oldIds[i]} (tokenizer-prune keeps surviving tokens in old-id order)`,
        { file: source, field: String(oldIds[i]) },
      );
    }
  }
  return { oldIds, source };
}

/** Reads and checks vocab-map.json (see `parseVocabMap`). */
export async function readVocabMap(path: string, sourceVocab: number): Promise<VocabMap> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new VocabMapError(`${path}: cannot read the vocabulary map (${(e as Error).message})`, { file: path, cause: e });
  }
  return parseVocabMapText(text, sourceVocab, path);
}

/** The text of a vocab-map.json, parsed and checked (see `parseVocabMap`); a JSON syntax error is a VocabMapError too. */
export function parseVocabMapText(text: string, sourceVocab: number, source = '<text>'): VocabMap {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new VocabMapError(`${source}: not valid JSON (${(e as Error).message})`, { file: source, cause: e });
  }
  return parseVocabMap(json, sourceVocab, source);
}
