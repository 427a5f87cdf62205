// The built @tinylm/kernels from plain Node, outside vitest: ESM import and CommonJS require
// each train a gradient step (tfjs-core's CommonJS build ships without gradients, and its ESM
// files have extensionless imports Node rejects; see docs/backends.md). And every package that
// peers tfjs-core resolves the same copy, so there is one engine.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { node, ROOT } from './support';

const STEP = `
  const r = await k.initBackend({ backend: 'cpu' });
  const x = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
  const { value, grads } = tf.variableGrads(() =>
    k.crossEntropy(k.rmsNorm(x, tf.ones([2])), tf.tensor1d([0, 1], 'int32')));
  const g = Array.from(await grads[x.name].data());
  console.log(JSON.stringify({ backend: r.backend, gradients: r.gradients, loss: (await value.data())[0], g,
    sameEngine: tf.engine() === globalThis._tfengine }));
`;

function parseLast(stdout: string): Record<string, unknown> {
  const line = stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!line) throw new Error(`no JSON in output: ${stdout}`);
  return JSON.parse(line);
}

describe('@tinylm/kernels from plain Node', () => {
  it('ESM import runs a gradient', () => {
    const r = node([
      '--input-type=module',
      '-e',
      `import * as tf from '@tensorflow/tfjs-core'; import * as k from '@tinylm/kernels'; ${STEP}`,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = parseLast(r.stdout);
    expect(out.backend).toBe('cpu');
    expect(out.gradients).toBe('bundled');
    expect(out.sameEngine).toBe(true);
    expect((out.g as number[]).some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });

  it('CommonJS require runs the same gradient', () => {
    const esm = parseLast(
      node(['--input-type=module', '-e', `import * as tf from '@tensorflow/tfjs-core'; import * as k from '@tinylm/kernels'; ${STEP}`])
        .stdout,
    );
    const r = node([
      '-e',
      `const tf = require('@tensorflow/tfjs-core'); const k = require('@tinylm/kernels'); (async () => { ${STEP} })();`,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const cjs = parseLast(r.stdout);
    expect(cjs.loss).toBe(esm.loss);
    expect(cjs.g).toEqual(esm.g);
  });

  it('every workspace package resolves one and the same @tensorflow/tfjs-core', () => {
    const dirs = readdirSync(join(ROOT, 'packages')).map((d) => join(ROOT, 'packages', d));
    const peers = dirs.filter((d) => {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8'));
      return pkg.peerDependencies?.['@tensorflow/tfjs-core'];
    });
    expect(peers.length).toBeGreaterThanOrEqual(2);
    const resolved = new Set(peers.map((d) => createRequire(join(d, 'package.json')).resolve('@tensorflow/tfjs-core')));
    expect([...resolved]).toHaveLength(1);
    for (const d of peers) {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8'));
      expect(pkg.dependencies?.['@tensorflow/tfjs-core'], `${pkg.name} must not depend on tfjs-core directly`).toBeUndefined();
    }
  });
});
