import { rm } from 'node:fs/promises';
import { scanForCardData } from './card-data-scan';
import { TEST_LOG_DIR_VARIABLE } from './test-logs';
import { TEST_DATABASE_SERVER_URL } from './test-server';

/**
 * Jest's global teardown: after every test file has run, no test database
 * (shop_test_%, every table, every column) and no log this run kept may hold
 * a card number or a CVC. A finding fails the run, naming where and what
 * kind, never the value; the logs are then kept for a look.
 */
export default async function globalTeardown(): Promise<void> {
  const logDir = process.env[TEST_LOG_DIR_VARIABLE];
  const scan = await scanForCardData({
    serverUrl: TEST_DATABASE_SERVER_URL,
    databasePattern: 'shop\\_test\\_%',
    logDir,
  });
  const summary =
    `card-data scan: ${scan.databases} databases, ${scan.tables} tables, ` +
    `${scan.cells} values, ${scan.logLines} log lines`;
  for (const skipped of scan.skipped) process.stderr.write(`card-data scan skipped ${skipped}\n`);
  if (scan.findings.length > 0) {
    const lines = scan.findings.map(
      (finding) => `  ${finding.where}: ${finding.kind} (${finding.count}×)`,
    );
    throw new Error(
      `${summary}: card data found${logDir ? ` (logs kept in ${logDir})` : ''}\n${lines.join('\n')}`,
    );
  }
  process.stdout.write(`\n${summary}: no card data\n`);
  if (logDir) await rm(logDir, { recursive: true, force: true });
}
