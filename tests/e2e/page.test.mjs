// End-to-end: the release bundle in dist/ works in a real browser (Debian's Chromium, driven
// by playwright-core, which never downloads a browser of its own).
// Run from the workspace root after `trunk build --release`: node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.env.SIM_DIST ?? join(here, '../../dist'));
const artifacts = join(here, 'artifacts');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
// Without the networking flags Chromium keeps trying hosts this machine cannot reach.
const browserArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

// A static file server for dist/, with no packages: enough for the page and its assets.
function serveDist() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = normalize(join(dist, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

let server, browser, userDataDir, page;
const consoleErrors = [];

before(async () => {
  server = await serveDist();
  userDataDir = await mkdtemp(join(tmpdir(), 'sim-e2e-chromium-'));
  // A persistent context is how playwright takes a fresh --user-data-dir of our own.
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: browserPath,
    args: browserArgs,
    headless: true,
    viewport: { width: 1000, height: 700 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

test('a docker command typed into the page prints its output', async () => {
  const { port } = server.address();
  await page.goto(`http://127.0.0.1:${port}/`);
  const command = page.locator('#command');
  await command.waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await page.locator('label[for="command"]').count(), 1, 'the input has a label');

  const hashBefore = await page.locator('#trace-hash').innerText();
  await command.fill('docker run --rm busybox echo hello');
  await command.press('Enter');

  const output = page.locator('#output');
  await output.locator('.entry').first().waitFor({ timeout: 10_000 });
  const text = await output.innerText();
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'page.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(artifacts, 'page-dark.png'), fullPage: true });

  const lines = text.split('\n').map((line) => line.trimEnd());
  assert.ok(lines.includes('hello'), `no line "hello" in the output:\n${text}`);
  assert.equal(await command.inputValue(), '', 'the input is cleared after Enter');
  assert.notEqual(await page.locator('#trace-hash').innerText(), hashBefore, 'the trace grew');
  assert.deepEqual(consoleErrors, [], 'no console errors');
});
