import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { cardDataIn, scanForCardData, TEST_CVCS } from '@shop/testing';

const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const REPO_ROOT = path.resolve(__dirname, '../../..');

describe('what counts as card data', () => {
  it.each([
    ['a test card, plain', '{"number":"4242424242424242"}', 'test card number'],
    ['a test card in groups', 'card 4000 0000 0000 0002 declined', 'test card number'],
    ['a test card with dashes, in a word', 'x4000-0000-0000-9995y', 'test card number'],
    ['another Luhn-valid card, plain', 'pan=5105105105105100;', 'Luhn-valid card number'],
    ['an Amex in 4-6-5 groups', '"3782 822463 10005"', 'Luhn-valid card number'],
    ['a card in mixed separators', '(6011-1111 1111-1117)', 'Luhn-valid card number'],
    ['a CVC in JSON', '{"input":{"cvc":"731"}}', 'CVC under a card-security-code key'],
    [
      'a CVC in JSON inside a string',
      '{"body":"{\\"cvv\\":\\"12\\"}"}',
      'CVC under a card-security-code key',
    ],
    ['a CVC as a number', '{"securityCode": 4178}', 'CVC under a card-security-code key'],
    [
      'a CVC in a GraphQL literal',
      'addPaymentMethod(input: { cvc: "555" })',
      'CVC under a card-security-code key',
    ],
    ['a test CVC as a string', '{"args":["864"]}', 'test CVC as a quoted string'],
  ])('finds %s', (_name, text, kind) => {
    expect(cardDataIn(text)).toContain(kind);
  });

  it.each([
    ['a redacted CVC', '{"input":{"cardNumber":"[redacted]","cvc":"[redacted]"}}'],
    ['a number failing Luhn', '4242424242424241'],
    ['a 12-digit number', '424242424242'],
    ['a 20-digit number', '51051051051051001234'],
    ['an ISO timestamp', '"time":"2026-11-21T17:20:33.123Z","at":"2026-11-21 17:20:33.123456+00"'],
    ['an epoch-millisecond time and a stream id', '{"time":1763745633123,"id":"1763745633123-0"}'],
    ['a CVC key without a value', '{"cvc":"","cvv":null}'],
    ['a test CVC inside a longer value', '{"line1":"123 Main Street","postalCode":"12345"}'],
  ])('leaves alone %s', (_name, text) => {
    expect(cardDataIn(text)).toEqual([]);
  });

  it('never mistakes UUIDs, hex tokens or hashes for card numbers', () => {
    // Every one of these is made of hex digits, so digit runs of any length occur in them.
    const values = Array.from({ length: 20_000 }, (_, index) =>
      index % 2 === 0
        ? `${randomUUID()},${randomUUID().replace(/[a-f]/g, '7')}`
        : `tok_ok_${randomBytes(16).toString('hex')} ch_${randomBytes(12).toString('hex')}`,
    );
    expect(values.filter((value) => cardDataIn(value).length > 0)).toEqual([]);
  });

  it('knows every CVC the tests send', async () => {
    const sent = new Set<string>();
    for (const folder of ['internal', 'subgraphs', 'router', 'stack', 'bench']) {
      for (const file of await sourceFiles(path.join(REPO_ROOT, folder))) {
        for (const [, cvc] of (await readFile(file, 'utf8')).matchAll(/cvc: '(\d+)'/g)) {
          sent.add(cvc!);
        }
      }
    }
    expect(sent.size).toBeGreaterThan(0);
    expect([...sent].filter((cvc) => !TEST_CVCS.includes(cvc))).toEqual([]);
  });
});

describe('the card-data scan of databases and logs (real PostgreSQL)', () => {
  // Not shop_test_%: the global teardown must never find what this test plants.
  const database = `shop_cardscan_${process.pid}_${Date.now()}`;
  let admin: pg.Client;
  let logDir: string;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    logDir = await mkdtemp(path.join(tmpdir(), 'shop-cardscan-'));
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    await rm(logDir, { recursive: true, force: true });
  });

  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: `${SERVER_URL}/${database}` });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const scan = () => scanForCardData({ serverUrl: SERVER_URL, databasePattern: database, logDir });

  it('finds nothing in clean tables and logs', async () => {
    await run(`
      CREATE SCHEMA payments;
      CREATE TABLE payments."PaymentMethod" (id uuid PRIMARY KEY, token text, last4 char(4), "expYear" int);
      INSERT INTO payments."PaymentMethod" VALUES
        ('${randomUUID()}', 'tok_ok_${randomBytes(16).toString('hex')}', '4242', 2031);
      CREATE TABLE public.events (id bigserial PRIMARY KEY, data jsonb, at timestamptz DEFAULT now());
      INSERT INTO public.events (data) VALUES ('{"input":{"cvc":"[redacted]","amount":999}}');`);
    await writeFile(
      path.join(logDir, 'clean.log'),
      '{"level":"info","msg":"card added","last4":"4242","cvc":"[redacted]"}\n',
    );
    const result = await scan();
    expect(result).toMatchObject({ findings: [], skipped: [], databases: 1, tables: 2 });
    expect(result.cells).toBe(7);
    expect(result.logLines).toBeGreaterThan(0);
  });

  it('finds a planted card number and CVCs, naming the table and column but not the value', async () => {
    await run(`
      CREATE TABLE public.notes (id int PRIMARY KEY, body text, cvv text, extra jsonb);
      INSERT INTO public.notes VALUES
        (1, 'customer read out 4242 4242 4242 4242 on the phone', NULL, NULL),
        (2, 'fine', '311', NULL),
        (3, 'fine', NULL, '{"card":{"securityCode":"311"}}'),
        (4, '5105105105105100', NULL, NULL),
        (5, '731', NULL, NULL);`);
    await writeFile(
      path.join(logDir, 'leaky.log'),
      'first line\n{"level":"debug","variables":{"input":{"cardNumber":"4000000000000002"}}}\n',
    );

    const result = await scan();
    expect(result.findings).toEqual(
      expect.arrayContaining([
        { where: `${database}: "public"."notes"."body"`, kind: 'test card number', count: 1 },
        { where: `${database}: "public"."notes"."body"`, kind: 'Luhn-valid card number', count: 2 },
        {
          where: `${database}: "public"."notes"."body"`,
          kind: 'test CVC as a whole value',
          count: 1,
        },
        { where: `${database}: "public"."notes"."cvv"`, kind: 'value in a CVC column', count: 1 },
        {
          where: `${database}: "public"."notes"."extra"`,
          kind: 'CVC under a card-security-code key',
          count: 1,
        },
        { where: `${path.join(logDir, 'leaky.log')}:2`, kind: 'test card number', count: 1 },
      ]),
    );
    expect(result.findings.every((finding) => !finding.where.includes('payments'))).toBe(true);
    // Where and what kind only: nothing of what was found is repeated.
    const report = JSON.stringify(result);
    for (const secret of ['4242 4242 4242 4242', '5105105105105100', '4000000000000002']) {
      expect(report).not.toContain(secret);
    }
    for (const finding of result.findings) {
      expect(Object.keys(finding).sort()).toEqual(['count', 'kind', 'where']);
    }
  });

  it('reads the e-mails of a notifications mailbox kept in the log directory', async () => {
    // testMailboxDir puts a test stack's MAILBOX_DIR here, beside the logs.
    const mailbox = path.join(logDir, 'mailbox-stack-1');
    await mkdir(mailbox);
    const eml = path.join(mailbox, `${randomUUID()}.eml`);
    await writeFile(
      eml,
      'Subject: Shop: Order #1001 is confirmed\n\nPaid with 4242424242424242, thank you.\n',
    );
    const result = await scan();
    expect(result.findings).toContainEqual({
      where: `${eml}:3`,
      kind: 'test card number',
      count: 1,
    });
  });

  it('skips, and says so, a table dropped while the scan runs', async () => {
    // A lock held elsewhere makes the scan wait on this table; dropping it meanwhile leaves
    // the scan reading a table that no longer exists.
    await run(
      `CREATE TABLE public.doomed (id int, body text); INSERT INTO public.doomed VALUES (1, 'x');`,
    );
    const holder = new pg.Client({ connectionString: `${SERVER_URL}/${database}` });
    await holder.connect();
    await holder.query('BEGIN; LOCK TABLE public.doomed IN ACCESS EXCLUSIVE MODE');
    const scanning = scan();
    await waitForLockWaiter(database);
    await holder.query('DROP TABLE public.doomed; COMMIT');
    await holder.end();
    const result = await scanning;
    expect(result.skipped).toEqual([expect.stringContaining(`${database}: "public"."doomed"`)]);
    expect(result.findings.length).toBeGreaterThan(0);
  });

  /** Until a session of the scan waits for a lock in the database. */
  async function waitForLockWaiter(name: string) {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const { rows } = await admin.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
        [name],
      );
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the scan never waited for the lock');
  }
});

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|mjs)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !/[/\\](node_modules|dist|generated)[/\\]/.test(file));
}
