// The backends a test suite runs on: every one available here among cpu, wasm and webgpu
// (tensorflow too when installed). A backend named in TINYLM_REQUIRE that is missing fails.
import { gate } from '../../../../tooling/test-env';
import type { BackendName } from '../backend/names';
import { probeBackends } from '../backend/probe';

export async function backendsUnderTest(): Promise<BackendName[]> {
  const probes = await probeBackends();
  return probes.filter((p) => gate(p.name, p.available, p.reason)).map((p) => p.name);
}
