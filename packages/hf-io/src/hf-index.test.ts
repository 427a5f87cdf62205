// model.safetensors.index.json: transformers' formatting, validation.

import { describe, expect, it } from 'vitest';
import { HfFolderError } from './errors';
import { indexForPlan, parseSafetensorsIndex, serializeSafetensorsIndex } from './hf-index';
import { stringifyJson } from './json';
import { planShards } from './shard-plan';
import { caught } from './__fixtures__/raw-safetensors';

describe('safetensors index', () => {
  it('serializes like transformers: sorted keys, 2-space indent, newline', () => {
    const plan = planShards(
      [
        { name: 'model.norm.weight', dtype: 'F32', shape: [2] },
        { name: 'lm_head.weight', dtype: 'F32', shape: [4] },
      ],
      16,
    );
    expect(serializeSafetensorsIndex(indexForPlan(plan))).toBe(
      [
        '{',
        '  "metadata": {',
        '    "total_size": 24',
        '  },',
        '  "weight_map": {',
        '    "lm_head.weight": "model-00002-of-00002.safetensors",',
        '    "model.norm.weight": "model-00001-of-00002.safetensors"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('sorts integer-like keys as strings, like Python', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    for (const sortKeys of [false, true]) {
      expect(() => stringifyJson({ a: deep }, { sortKeys })).toThrow(/nests deeper than 64 levels at a\[0\]/);
    }
    expect(stringifyJson({ b: 1, 10: 2, 9: [true, null], a: {} }, { sortKeys: true })).toBe(
      '{\n  "10": 2,\n  "9": [\n    true,\n    null\n  ],\n  "a": {},\n  "b": 1\n}\n',
    );
  });

  it('parses and validates', async () => {
    const index = parseSafetensorsIndex({ metadata: { total_size: 8 }, weight_map: { a: 'x.safetensors' } }, 'i.json');
    expect(index.weight_map).toEqual({ a: 'x.safetensors' });
    const cases: [unknown, RegExp][] = [
      [[], /i\.json: must be a JSON object with "weight_map"/],
      [{ metadata: 3, weight_map: {} }, /i\.json: "metadata" must be an object/],
      [{ metadata: {} }, /i\.json: "weight_map" must be an object mapping tensor names to shard file names/],
      [
        { weight_map: { w: '../evil.safetensors' } },
        /i\.json: "weight_map" maps tensor "w" to "\.\.\/evil\.safetensors"; allowed: a file name in the same folder/,
      ],
      [{ weight_map: { w: 3 } }, /maps tensor "w" to 3/],
    ];
    for (const [json, message] of cases) {
      const error = await caught(() => parseSafetensorsIndex(json, 'i.json'));
      expect(HfFolderError.isInstance(error)).toBe(true);
      expect(error.message).toMatch(message);
    }
  });
});
