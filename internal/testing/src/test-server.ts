import pg from 'pg';

/** The machine's PostgreSQL, where every test database lives. */
export const TEST_DATABASE_SERVER_URL =
  process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/**
 * Each jest worker gets its own database per subgraph on the machine's real
 * PostgreSQL (`shop_test_<subgraph>_w<worker>`), migrated like production, so
 * test files running in parallel never see each other's rows. TEST_RUN_ID
 * sets one jest run's databases apart from another's running at the same
 * time (`shop_test_<subgraph>_w<run>_<worker>`): jest numbers workers from 1
 * in every run, and sets JEST_WORKER_ID to 1 in every --runInBand run.
 */
export function testDatabaseUrl(subgraph: string): string {
  const jestWorker = process.env.JEST_WORKER_ID ?? '0';
  const run = process.env.TEST_RUN_ID;
  if (run !== undefined && !/^[a-z0-9]{1,16}$/i.test(run)) {
    throw new Error('TEST_RUN_ID must be 1 to 16 letters or digits');
  }
  const worker = run ? `${run}_${jestWorker}` : jestWorker;
  return `${TEST_DATABASE_SERVER_URL}/shop_test_${subgraph}_w${worker}?schema=${subgraph}`;
}

/** Creates the database a URL names, unless it exists. */
export async function createDatabaseIfMissing(url: string): Promise<void> {
  const database = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: `${TEST_DATABASE_SERVER_URL}/postgres` });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (rowCount === 0) {
      await admin.query(`CREATE DATABASE "${database}"`).catch((error: { code?: string }) => {
        // Another process created it between the check and here.
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await admin.end();
  }
}
