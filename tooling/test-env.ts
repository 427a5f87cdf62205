// Test gating shared by every package's tests. A test that needs a system component (a backend,
// python3 with torch, sentencepiece, chromium) skips with a printed reason where it is missing,
// unless TINYLM_REQUIRE (comma-separated, set by .ci/run) names it: then its absence fails the run.
// CI must never pass by skipping.

export function requiredComponents(): string[] {
  return (process.env.TINYLM_REQUIRE ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function isRequired(component: string): boolean {
  return requiredComponents().includes(component);
}

/**
 * Decides whether tests needing `component` run. Returns true when it is available. When it is
 * missing: throws if required (so the suite fails), otherwise prints why and returns false.
 */
export function gate(component: string, available: boolean, whyMissing: string): boolean {
  if (available) return true;
  if (isRequired(component)) {
    throw new Error(`required component "${component}" is missing (TINYLM_REQUIRE): ${whyMissing}`);
  }
  console.warn(`[tinylm tests] skipping tests that need ${component}: ${whyMissing}`);
  return false;
}
