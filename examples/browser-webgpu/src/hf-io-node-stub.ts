// Stand-in for `@tinylm/hf-io` (its Node entry) in this browser bundle; see vite.config.ts.
// @tinylm/model's main entry imports hf-io's folder reader/writer for saveHfModel/loadHfModel,
// which use node:fs and cannot run in a browser; this page never calls them (hf-zip.ts does the
// same in memory). Everything else is hf-io's browser-safe `bytes` entry, unchanged.
export * from '@tinylm/hf-io/bytes';

function nodeOnly(name: string): never {
  throw new Error(`@tinylm/hf-io ${name} reads and writes folders with node:fs; in the browser use @tinylm/hf-io/bytes`);
}

export const readHfFolder = (): never => nodeOnly('readHfFolder');
export const writeHfFolder = (): never => nodeOnly('writeHfFolder');
