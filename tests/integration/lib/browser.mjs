// Headless Debian Chromium driven by playwright-core, for tests that need a real browser (and screenshots).
//
// Each launch gets a fresh profile (user-data-dir) that close() deletes. CHROMIUM_PATH overrides the
// binary. `npx playwright install` cannot download browsers here: the Debian `chromium` package is used.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const screenshotDir = path.resolve(here, '../.out/screenshots');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const k_args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

// Returns {context, browser, newPage(), close()}: `context` is playwright's BrowserContext (persistent,
// on the fresh profile), `browser` its Browser, newPage() a new tab, close() ends Chromium and deletes
// the profile. Options go to launchPersistentContext (e.g. {viewport: {width, height}}).
export async function launchBrowser(options = {}) {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'mcpedge-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: k_args,
      viewport: { width: 1000, height: 800 },
      timeout: 15_000,
      ...options,
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`cannot start ${chromiumPath} (Debian package "chromium"): ${error.message}`);
  }
  let closing;
  return {
    context,
    browser: context.browser(),
    newPage: () => context.newPage(),
    close() {
      closing ??= context.close().finally(() => rmSync(userDataDir, { recursive: true, force: true }));
      return closing;
    },
  };
}

// Writes a full-page PNG to tests/integration/.out/screenshots/NAME.png, prints and returns its path.
export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
  return file;
}
