import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The variable naming the directory where this jest run keeps the logs of the
 * processes its tests start; the global teardown scans it for card data.
 */
export const TEST_LOG_DIR_VARIABLE = 'SHOP_TEST_LOG_DIR';

/**
 * A file in this run's log directory for one process's output (a test run
 * outside jest's global setup writes under the system's temp directory).
 */
export function testLogFile(name: string): string {
  const dir = process.env[TEST_LOG_DIR_VARIABLE] ?? path.join(tmpdir(), 'shop-test-logs');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}-${process.pid}-${Date.now()}.log`);
}
