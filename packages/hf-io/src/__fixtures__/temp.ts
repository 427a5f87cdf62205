// Test support: a fresh temporary folder per test, removed afterwards.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** Registers hooks that give each test its own folder; read `.dir` inside a test. */
export function useTempDir(): { dir: string } {
  const state = { dir: '' };
  beforeEach(async () => {
    state.dir = await mkdtemp(join(tmpdir(), 'hf-io-test-'));
  });
  afterEach(async () => {
    await rm(state.dir, { recursive: true, force: true });
  });
  return state;
}
