// Vite config for the browser example. One alias, for a gap in @tinylm/model 0.1: its main entry
// imports @tinylm/hf-io's Node entry (node:fs, for saveHfModel/loadHfModel), which does not
// bundle for a browser. The alias gives the bundle hf-io's browser-safe `bytes` entry instead
// (src/hf-io-node-stub.ts); the page builds and reads Hugging Face folders in memory (src/hf-zip.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  resolve: {
    alias: [{ find: /^@tinylm\/hf-io$/, replacement: fileURLToPath(new URL('./src/hf-io-node-stub.ts', import.meta.url)) }],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
