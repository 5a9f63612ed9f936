import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_LOG_DIR_VARIABLE } from './test-logs';

/** Jest's global setup: a fresh log directory for this run, inherited by every worker. */
export default async function globalSetup(): Promise<void> {
  process.env[TEST_LOG_DIR_VARIABLE] = await mkdtemp(path.join(tmpdir(), 'shop-test-logs-'));
}
