import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium; `.ci/run` (test/scripts/setup.mjs) installs it as root when it is missing. */
export const CHROMIUM = process.env['TETHER_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Whether the suite runs. In CI a missing browser fails the suite (its beforeAll throws); locally
 * the suite is skipped with one line saying what to install.
 */
export function browserSuiteEnabled(): boolean {
  const ci = (process.env['CI'] ?? '') !== '' && process.env['CI'] !== 'false';
  if (existsSync(CHROMIUM) || ci) return true;
  console.warn(`browser suite skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or run node test/scripts/setup.mjs as root)`);
  return false;
}

// Without the networking flags Chromium's own background traffic is refused here and slows it down.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile in a temporary folder, removed again on close. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (test/scripts/setup.mjs does it as root)`);
  const profile = mkdtempSync(join(tmpdir(), 'tether-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      timeout: 30_000,
      viewport: { width: 900, height: 760 },
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
