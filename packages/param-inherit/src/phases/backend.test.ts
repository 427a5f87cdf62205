// inheritParams uses the tfjs backend its caller set up and never switches it: with none set up,
// the data-driven criteria fail naming initBackend; an explicit `backend` other than the current
// one is refused (the current backend stays); the streaming criteria need no backend at all.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@tinylm/kernels';
import { afterAll, describe, expect, it } from 'vitest';
import { pseudoTokens, tempDir, writeSource } from '../__fixtures__/models';
import { InheritOptionError } from '../errors';
import { inheritParams } from '../inherit';
import { currentBackend } from './backend';

let tmp: Awaited<ReturnType<typeof tempDir>> | undefined;
afterAll(async () => tmp?.cleanup());

describe('the backend of inheritParams', () => {
  it('with no backend set up, says to call initBackend', () => {
    // this file's tfjs engine has run nothing yet
    expect(tf.engine().backendName ?? null).toBeNull();
    const error = (() => {
      try {
        currentBackend(undefined, 'width = taylor');
      } catch (e) {
        return e;
      }
    })();
    expect(InheritOptionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /width = taylor runs forward passes on the current tfjs backend, but none is set up; call initBackend\(\) from @tinylm\/kernels/,
    );
  });

  it("uses the caller's backend and refuses to switch it", async () => {
    await initBackend({ backend: 'cpu' });
    expect(currentBackend(undefined, 'x')).toBe('cpu');
    expect(currentBackend('cpu', 'x')).toBe('cpu');
    tmp = await tempDir('backend');
    const from = join(tmp.dir, 'src');
    const config = { vocabSize: 64, hiddenSize: 32, numLayers: 4, numHeads: 8, numKvHeads: 4, intermediateSize: 48 };
    await writeSource(from, config);
    const calibration = { tokens: [pseudoTokens(600, 64)], seqLen: 16, samples: 8, batchSize: 4 };
    const to = { ...config, intermediateSize: 32 };
    const error = await inheritParams({ from, to, out: join(tmp.dir, 'out'), width: 'taylor', calibration, backend: 'wasm' }).catch(
      (e) => e,
    );
    expect(InheritOptionError.isInstance(error), String(error)).toBe(true);
    expect(error.message).toMatch(/backend = "wasm", but the current tfjs backend is "cpu".*call initBackend\(\{ backend: "wasm" \}\)/);
    expect(tf.getBackend()).toBe('cpu');
    const done = await inheritParams({ from, to, out: join(tmp.dir, 'out'), width: 'taylor', calibration });
    expect(done.report.criteria.scoredBy.ffn).toBe('taylor');
    expect(tf.getBackend()).toBe('cpu');
  });
});
