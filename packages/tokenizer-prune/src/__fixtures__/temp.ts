// Test support: temporary folders, removed afterwards.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** A fresh folder per test; read `.dir` inside a test. */
export function useTempDir(): { dir: string } {
  const state = { dir: '' };
  beforeEach(() => {
    state.dir = mkdtempSync(join(tmpdir(), 'tokenizer-prune-test-'));
  });
  afterEach(() => {
    rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}

/** One folder shared by every test of the file (for trained models and other slow fixtures). */
export function useSharedTempDir(): { dir: string } {
  const state = { dir: '' };
  beforeAll(() => {
    state.dir = mkdtempSync(join(tmpdir(), 'tokenizer-prune-shared-'));
  });
  afterAll(() => {
    rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}
