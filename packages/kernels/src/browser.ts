// @tinylm/kernels for browsers and bundlers (the `browser` export condition): the same API as
// index.ts. tfjs-core registers no gradients by itself; in Node, initBackend loads them from
// dist/register-tfjs-gradients.js by a relative dynamic import, which a bundler does not follow
// (the page then fails to fetch it). Here they are a static import a bundler can see, as in the
// @tensorflow/tfjs union package, so ensureGradients finds them registered ('tfjs-core').
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export * from './index';
