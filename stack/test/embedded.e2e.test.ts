import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, graphqlRequest } from '@shop/testing';
import { seedData } from '@shop/seed';
import { operationText } from './contract-operations';
import { metricsOf, sampleOf } from './support/metrics';

const entry = path.resolve(__dirname, '../dist/main.js');

/** `npm start`'s process, as built, on the embedded database in a temporary data dir. */
async function startEmbedded(dataDir: string, dbPort: number) {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(dbPort),
      PORT: '0',
      USERS_PORT: '0',
      PRODUCTS_PORT: '0',
      ORDERS_PORT: '0',
      PAYMENTS_PORT: '0',
      INVENTORY_PORT: '0',
      SEARCH_PORT: '0',
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Supergraph ready in [\d.]+s at (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before serving:\n${output}`)),
    );
  });
  return { child, url };
}

function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('the embedded default (npm start: one process, PGlite)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('boots, serves ProductPage across subgraphs, stops on SIGTERM, and keeps its data across a restart', async () => {
    const dbPort = await freePort();
    const first = await startEmbedded(dataDir, dbPort);
    try {
      const product = seedData.products.find((candidate) =>
        seedData.reviews.some((review) => review.productId === candidate.id),
      )!;
      const page = await graphqlRequest(first.url, operationText('ProductPage'), {
        id: product.id,
      });
      expect(page.errors).toBeUndefined();
      expect(page.data).toMatchObject({
        product: {
          id: product.id,
          inventory: { inStock: expect.any(Boolean) },
          reviews: { edges: expect.any(Array) },
        },
      });
      const authors = (
        page.data as { product: { reviews: { edges: { node: { author: { name: string } } }[] } } }
      ).product.reviews.edges;
      expect(authors.length).toBeGreaterThan(0);
      expect(authors.every((edge) => typeof edge.node.author.name === 'string')).toBe(true);

      // A new product is searchable within 2 s here too (events in memory).
      const login = await graphqlRequest<{ login: { accessToken: string } }>(
        first.url,
        'mutation { login(email: "admin@shop.local", password: "admin-dev-password") { accessToken } }',
      );
      const admin = { authorization: `Bearer ${login.data!.login.accessToken}` };
      const created = await graphqlRequest<{ createProduct: { id: string } }>(
        first.url,
        `mutation { createProduct(input: { name: "Platypus Dry Bag", description: "Roll-top dry bag.",
           categoryId: "${seedData.products[0]!.categoryId}", price: { amount: 1500, currency: "USD" } }) { id } }`,
        undefined,
        admin,
      );
      const started = Date.now();
      let found = false;
      while (!found && Date.now() - started < 2_000) {
        const search = await graphqlRequest<{ search: { edges: { node: { id: string } }[] } }>(
          first.url,
          '{ search(query: "platypus", first: 5) { edges { node { id } } } }',
        );
        found = search.data!.search.edges.some(
          (edge) => edge.node.id === created.data!.createProduct.id,
        );
        if (!found) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(found).toBe(true);

      // The router's /metrics tells how much of PGlite's one session all this used.
      const metrics = await metricsOf(first.url);
      const taken = sampleOf(metrics, 'embedded_db_session_taken_seconds_total');
      const transactions = sampleOf(metrics, 'embedded_db_transactions_total');
      expect(taken).toBeGreaterThan(0);
      expect(transactions).toBeGreaterThan(0);

      // Write a row straight into the embedded database: it must be there after a restart.
      const client = new pg.Client({
        connectionString: `postgresql://postgres@127.0.0.1:${dbPort}/postgres`,
      });
      await client.connect();
      await client.query(
        `INSERT INTO products."Category" (id, name, slug) VALUES ('00000000-0000-4000-8000-00000000beef', 'Persisted', 'persisted')`,
      );
      await client.end();
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    const second = await startEmbedded(dataDir, dbPort);
    try {
      const categories = await graphqlRequest(second.url, operationText('Categories'));
      const slugs = (categories.data as { categories: { slug: string }[] }).categories.map(
        (category) => category.slug,
      );
      expect(slugs).toContain('persisted');
      expect(slugs).toHaveLength(seedData.categories.length + 1);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 120_000);
});
