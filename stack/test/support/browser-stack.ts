import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startTestStack, type RunningStack } from './test-stack';

const REPO_ROOT = path.resolve(__dirname, '../../..');
/** Debian's chromium (scripts/ensure-chromium.sh installs it); playwright-core brings no browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where a browser test keeps its screenshots after the run (gitignored). */
export function artifactsDir(name: string): string {
  return path.join(REPO_ROOT, 'test-artifacts', name);
}

/**
 * The storefront built, the artifacts folder made, a test stack started and
 * chromium launched: what every browser test starts from.
 */
export async function startBrowserStack(
  artifacts: string,
): Promise<{ stack: RunningStack; browser: Browser }> {
  // A no-op when the build is current (npm test has just built it).
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build-storefront.mjs')], {
    stdio: 'inherit',
  });
  mkdirSync(artifacts, { recursive: true });
  const stack = await startTestStack();
  try {
    // Root in CI: chromium's sandbox needs user namespaces a container may not give.
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    return { stack, browser };
  } catch (error) {
    // The test gets no stack to stop: left running, it served the worker's later test files.
    await stack.stop();
    throw error;
  }
}
