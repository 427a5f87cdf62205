// The backends a test suite runs on: every one available here among blas, cpu, wasm and webgpu
// (tensorflow too when installed). A backend named in TINYLM_REQUIRE that is missing fails.
// Takes the probe as an argument so a package's tests can use its own source or the built package.
import { gate } from './test-env';

interface Probe {
  name: 'tensorflow' | 'webgpu' | 'blas' | 'wasm' | 'cpu';
  available: boolean;
  reason: string;
}

export async function backendsUnderTest(probeBackends: () => Promise<Probe[]>): Promise<Probe['name'][]> {
  const probes = await probeBackends();
  return probes.filter((p) => gate(p.name, p.available, p.reason)).map((p) => p.name);
}
