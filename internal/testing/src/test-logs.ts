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

/**
 * A mailbox folder (the notifications subgraph's MAILBOX_DIR) inside this
 * run's log directory, so the card-data scan reads every e-mail a test wrote.
 */
export function testMailboxDir(name: string): string {
  return path.join(path.dirname(testLogFile(name)), `mailbox-${name}-${process.pid}-${Date.now()}`);
}
