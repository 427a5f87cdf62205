// How the blas thread pool waits: a short spin before sleeping in Atomics.wait. A thread that
// sleeps between two kernel calls lets its CPU halt, and waking it again costs ~50-150 us in a VM
// (measured here: a worker's 512-row product took 0.82 ms against 0.70 ms on the calling thread,
// 0.74 ms when the worker spun first). The spin only uses a core that would otherwise idle
// between kernel calls of the same step.
const SPIN_MS = 0.2;

/** Spins while `busy()` holds, for at most SPIN_MS; true if it stopped holding. */
export function spinWhile(busy: () => boolean): boolean {
  const until = performance.now() + SPIN_MS;
  while (busy()) if (performance.now() > until) return false;
  return true;
}
