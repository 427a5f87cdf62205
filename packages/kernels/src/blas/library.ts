// Finding and loading the system BLAS (cblas_sgemm) through koffi, an FFI package whose native
// binary ships inside its npm tarball (no compiler, no download at install time). OpenBLAS on
// Linux and Windows, Accelerate on macOS, any library with a CBLAS interface through TINYLM_BLAS.
import { firstLine, importOptional, isNode, readEnv } from '../backend/names';

/** Row-major product C = alpha op(A) op(B) + beta C on float32 views (cblas_sgemm, CblasRowMajor). */
export type Sgemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number,
) => void;

export interface BlasLibrary {
  /** The file that was loaded (resolved through /proc/self/maps on Linux when a bare name was given). */
  file: string;
  /** OpenBLAS, Accelerate, BLIS, or "CBLAS" when the library does not say. */
  vendor: string;
  /** What the library reports of itself (OpenBLAS: build config and the CPU kernel it picked). */
  detail?: string;
  sgemm: Sgemm;
  /** Copies `src` into `dst` (cblas_scopy; as fast as memcpy, also between shared and plain memory). */
  copy: (src: Float32Array, dst: Float32Array) => void;
  /** Sets the library's own thread count, where it has a call for that (OpenBLAS). */
  setThreads?: (n: number) => void;
}

interface KoffiLib {
  func(definition: string): (...args: unknown[]) => unknown;
}
interface Koffi {
  load(path: string): KoffiLib;
}

/** Library names tried in order on each platform (after TINYLM_BLAS). */
export const BLAS_CANDIDATES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  linux: ['libopenblas.so.0', 'libopenblas.so', 'libopenblasp.so.0', 'libblis.so.4', 'libcblas.so.3', 'libblas.so.3'],
  darwin: [
    '/System/Library/Frameworks/Accelerate.framework/Accelerate',
    '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
    '/usr/local/opt/openblas/lib/libopenblas.dylib',
  ],
  win32: ['libopenblas.dll', 'openblas.dll'],
});

/** What to install when no library is found, per platform. */
export function installHint(platform: string): string {
  if (platform === 'darwin') return 'macOS provides Accelerate; or brew install openblas';
  if (platform === 'win32') return 'put OpenBLAS (libopenblas.dll) on PATH';
  return 'install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0-pthread; Fedora: dnf install openblas)';
}

let loaded: Promise<BlasLibrary | string> | undefined;

/** Loads the BLAS once per process; a string says why there is none. Never throws. */
export function loadBlas(): Promise<BlasLibrary | string> {
  loaded ??= findBlas();
  return loaded;
}

/** The koffi module, or why it did not load. */
async function loadKoffi(): Promise<Koffi | string> {
  try {
    const mod = await importOptional<{ default?: Koffi } & Koffi>('koffi');
    return (mod.default ?? mod) as Koffi;
  } catch (e) {
    return `the koffi FFI package failed to load: ${firstLine(e)} (npm install koffi)`;
  }
}

async function findBlas(): Promise<BlasLibrary | string> {
  if (!isNode()) return 'only in Node (the system BLAS is reached through the koffi FFI package)';
  const koffi = await loadKoffi();
  if (typeof koffi === 'string') return koffi;
  const platform = (globalThis as { process?: { platform?: string } }).process?.platform ?? 'linux';
  const explicit = readEnv('TINYLM_BLAS');
  if (explicit) {
    const r = await openBlas(koffi, explicit);
    return typeof r === 'string' ? `TINYLM_BLAS=${explicit}: ${r}` : r;
  }
  const tried: string[] = [];
  for (const name of BLAS_CANDIDATES[platform] ?? BLAS_CANDIDATES.linux) {
    const r = await openBlas(koffi, name);
    if (typeof r !== 'string') return r;
    tried.push(name);
  }
  return `no BLAS library found (tried ${tried.join(', ')}): ${installHint(platform)}, or set TINYLM_BLAS to a library with cblas_sgemm`;
}

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** Loads one library by name or path, uncached (loadBlas is the cached search); a string says why not. */
export async function openBlasLibrary(name: string): Promise<BlasLibrary | string> {
  const koffi = await loadKoffi();
  return typeof koffi === 'string' ? koffi : openBlas(koffi, name);
}

async function openBlas(koffi: Koffi, name: string): Promise<BlasLibrary | string> {
  let lib: KoffiLib;
  try {
    lib = koffi.load(name);
  } catch (e) {
    return `cannot load ${name}: ${firstLine(e)}`;
  }
  let raw: (...args: unknown[]) => unknown;
  let scopy: (...args: unknown[]) => unknown;
  try {
    raw = lib.func(
      'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)',
    );
    scopy = lib.func('void cblas_scopy(int n, const float *x, int incx, float *y, int incy)');
  } catch {
    return `${name} has no cblas_sgemm or cblas_scopy (a BLAS without the CBLAS interface)`;
  }
  const sgemm: Sgemm = (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) =>
    void raw(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  const copy = (src: Float32Array, dst: Float32Array) => void scopy(src.length, src, 1, dst, 1);
  const optional = (definition: string) => {
    try {
      return lib.func(definition);
    } catch {
      return undefined;
    }
  };
  const file = await resolveLoadedFile(name);
  const config = optional('const char *openblas_get_config()');
  if (config) {
    const setThreads = optional('void openblas_set_num_threads(int n)');
    const core = optional('const char *openblas_get_corename()');
    const detail = `${String(config())}${core ? `, kernel ${String(core())}` : ''}`;
    return { file, vendor: 'OpenBLAS', detail, sgemm, copy, setThreads: setThreads ? (n) => void setThreads(n) : undefined };
  }
  if (optional('const char *bli_info_get_version_str()')) return { file, vendor: 'BLIS', sgemm, copy };
  if (/Accelerate/.test(file)) return { file, vendor: 'Accelerate', sgemm, copy };
  return { file, vendor: 'CBLAS', sgemm, copy };
}

/** The path of a library loaded by bare name, read from the process's memory map (Linux). */
async function resolveLoadedFile(name: string): Promise<string> {
  if (name.includes('/')) return name;
  try {
    const { readFileSync, realpathSync } = await importOptional<typeof import('node:fs')>('node:fs');
    const maps = readFileSync('/proc/self/maps', 'utf8');
    const stem = name.replace(/\.so(\..*)?$/, '');
    const line = maps.split('\n').find((l) => l.includes(`/${stem}`));
    const path = line?.slice(line.indexOf('/'));
    return path ? realpathSync(path) : name;
  } catch {
    return name;
  }
}
