// The `./bytes` entry must stay browser-safe: nothing reachable from src/bytes.ts may import a
// Node built-in. Walks the relative import graph of the sources.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as bytes from './bytes';
import * as main from './index';

const here = dirname(fileURLToPath(import.meta.url));
const NODE_BUILTINS = /^(node:|fs|path|os|crypto|child_process|stream|url|util|buffer)(\/|$)/;
/** The packages hf-io depends on, both browser-safe. */
const BROWSER_SAFE_PACKAGES = new Set(['@tinylm/errors', 'zod']);

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // `import type` is erased at build time, so it reaches nothing at run time.
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b(?!\s+type\b)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('@tinylm/hf-io/bytes', () => {
  it('reaches no Node built-in module', () => {
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) visit(join(dirname(file), `${spec}.ts`));
        else if (NODE_BUILTINS.test(spec)) offending.push(`${file} imports ${spec}`);
        else if (!BROWSER_SAFE_PACKAGES.has(spec))
          offending.push(`${file} imports package ${spec} (not a browser-safe dependency of hf-io)`);
      }
    };
    visit(join(here, 'bytes.ts'));
    expect(offending).toEqual([]);
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].some((f) => f.endsWith('safetensors-file.ts'))).toBe(false);
  });

  it('exports the same objects as the main entry', () => {
    for (const [name, value] of Object.entries(bytes)) {
      expect((main as Record<string, unknown>)[name], name).toBe(value);
    }
  });
});
