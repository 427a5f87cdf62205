// Writes src/kernels/simd/kernels-wasm.ts from simd/kernels.ts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileSimdKernels, embedModule } from './compile.mjs';

const out = fileURLToPath(new URL('../src/kernels/simd/kernels-wasm.ts', import.meta.url));
const bytes = await compileSimdKernels();
writeFileSync(out, embedModule(bytes));
console.log(`wrote ${out} (${bytes.length} bytes of wasm)`);
