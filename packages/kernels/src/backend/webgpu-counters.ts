// Counts what the webgpu backend sends the GPU while `f` runs: queue submits, compute passes and
// dispatches (tfjs-backend-webgpu records every program as one dispatch on its command encoder).
// For benchmarks and tests: the numbers that decide whether a step is launch-bound.
export interface GpuCommandCounts {
  submits: number;
  computePasses: number;
  dispatches: number;
}

interface WebGpuBackendLike {
  device: object;
  queue: object;
}

/** Wraps `target` so calls to `name` go through `wrap` (other members pass through, bound). */
function intercept<T extends object>(
  target: T,
  name: string,
  wrap: (original: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown,
): T {
  return new Proxy(target, {
    get(t, key) {
      const value = Reflect.get(t, key, t) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...a: unknown[]) => unknown).bind(t);
      return key === name ? wrap(bound) : bound;
    },
  });
}

/** Runs `f` on the active webgpu backend (`backend`: tf.backend()) and counts its GPU commands. */
export async function countWebGpuCommands<T>(backend: unknown, f: () => Promise<T>): Promise<{ result: T; counts: GpuCommandCounts }> {
  const b = backend as WebGpuBackendLike;
  if (!b || typeof b.device !== 'object' || typeof b.queue !== 'object')
    throw new Error('countWebGpuCommands: the backend is not tfjs-backend-webgpu');
  const counts: GpuCommandCounts = { submits: 0, computePasses: 0, dispatches: 0 };
  const [device, queue] = [b.device, b.queue];
  const countingPass = (pass: object) =>
    intercept(
      pass,
      'dispatchWorkgroups',
      (original) =>
        (...a) => ((counts.dispatches += 1), original(...a)),
    );
  const countingEncoder = (encoder: object) =>
    intercept(
      encoder,
      'beginComputePass',
      (original) =>
        (...a) => ((counts.computePasses += 1), countingPass(original(...a) as object)),
    );
  b.device = intercept(
    device,
    'createCommandEncoder',
    (original) =>
      (...a) =>
        countingEncoder(original(...a) as object),
  );
  b.queue = intercept(
    queue,
    'submit',
    (original) =>
      (...a) => ((counts.submits += 1), original(...a)),
  );
  try {
    return { result: await f(), counts };
  } finally {
    b.device = device;
    b.queue = queue;
  }
}
