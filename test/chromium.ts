// Headless Chromium for the cross-package tests: Debian's /usr/bin/chromium driven by
// playwright-core (`npx playwright install` cannot download browsers here), with WebGPU on
// SwiftShader when asked (docs/backends.md), and a static server for built pages on 127.0.0.1
// (a secure context, so navigator.gpu exists).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { gate } from '../tooling/test-env';
import { ROOT } from './support';

export const CHROMIUM = process.env.TINYLM_CHROMIUM ?? '/usr/bin/chromium';
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader', '--use-vulkan=swiftshader'];

type Playwright = typeof import('playwright-core');

function loadPlaywright(): Playwright | string {
  try {
    return createRequire(join(ROOT, 'package.json'))('playwright-core') as Playwright;
  } catch (e) {
    return `playwright-core is not installed (${String(e).split('\n')[0]})`;
  }
}

const playwright = loadPlaywright();

/** Whether the browser tests run: gate('chromium'), so TINYLM_REQUIRE=chromium makes absence fail. */
export function chromiumAvailable(): boolean {
  const missing = !existsSync(CHROMIUM)
    ? `${CHROMIUM} not found (apt-get install chromium libvulkan1)`
    : typeof playwright === 'string'
      ? playwright
      : undefined;
  return gate('chromium', missing === undefined, missing ?? '');
}

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** Serves `dir` on 127.0.0.1 at a free port. */
export function serveDir(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let file = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/` });
    }),
  );
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, in order. */
  errors: string[];
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile; with `webgpu`, WebGPU on SwiftShader. */
export async function launchChromium(options: { webgpu: boolean }): Promise<BrowserSession> {
  if (typeof playwright === 'string') throw new Error(playwright);
  const profile = mkdtempSync(join(tmpdir(), 'tinylm-chromium-'));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    args: [...(options.webgpu ? WEBGPU_ARGS : []), ...BASE_ARGS],
    viewport: { width: 1100, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
