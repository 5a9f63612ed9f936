import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '@shop/platform';
import { descendantsOf, eventually, graphqlRequest, isRunning } from '@shop/testing';
import { seedData } from '@shop/seed';
import { operationText } from './contract-operations';
import { signInAdmin } from './support/shop';
import { startStackProcess } from './support/stack-process';

/** The command line of a process, as ps shows it. */
const commandOf = (pid: number) =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();

describe('the embedded default (npm start: a process per service, an embedded PostgreSQL)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves across processes, restarts a service that dies, stops everything on Ctrl-C, and keeps its data', async () => {
    const dbPort = await freePort();
    const env = { EMBEDDED_DB_PORT: String(dbPort), LOG_FILE: '' };
    const first = await startStackProcess(dataDir, env);
    const supervisor = first.child.pid!;
    try {
      // A process per service, and the database server with its backends.
      const commands = descendantsOf(supervisor).map(commandOf);
      for (const script of [
        'router/dist/main.js',
        ...['users', 'products', 'orders', 'payments', 'inventory', 'search', 'notifications'].map(
          (name) => `subgraphs/${name}/dist/main.js`,
        ),
      ]) {
        expect(commands.filter((command) => command.includes(script))).toHaveLength(1);
      }
      expect(commands.some((command) => /\bpostgres\b.*-D/.test(command))).toBe(true);
      // Each process's lines come out under its name.
      expect(first.output()).toMatch(/^orders +\| \{/m);
      expect(first.output()).toMatch(/^postgres +\| /m);

      const product = seedData.products.find((candidate) =>
        seedData.reviews.some((review) => review.productId === candidate.id),
      )!;
      const page = await graphqlRequest(first.url, operationText('ProductPage'), {
        id: product.id,
      });
      expect(page.errors).toBeUndefined();
      expect(page.data).toMatchObject({
        product: { id: product.id, inventory: { inStock: expect.any(Boolean) } },
      });

      // A new product reaches search through the PostgreSQL event stream, across processes.
      const admin = await signInAdmin(first.url);
      const created = await graphqlRequest<{ createProduct: { id: string } }>(
        first.url,
        `mutation { createProduct(input: { name: "Platypus Dry Bag", description: "Roll-top dry bag.",
           categoryId: "${seedData.products[0]!.categoryId}", price: { amount: 1500, currency: "USD" } }) { id } }`,
        undefined,
        admin,
      );
      expect(created.errors).toBeUndefined();
      await eventually(async () => {
        const search = await graphqlRequest<{ search: { edges: { node: { id: string } }[] } }>(
          first.url,
          '{ search(query: "platypus", first: 5) { edges { node { id } } } }',
        );
        expect(search.data!.search.edges.map((edge) => edge.node.id)).toContain(
          created.data!.createProduct.id,
        );
      });

      // Inventory dies: the supervisor says so, the router answers without it, and it comes back.
      const inventory = descendantsOf(supervisor).find((pid) =>
        commandOf(pid).includes('subgraphs/inventory/dist/main.js'),
      )!;
      process.kill(inventory, 'SIGKILL');
      await eventually(() => expect(first.output()).toMatch(/inventory exited while serving/));
      const partial = await graphqlRequest(first.url, operationText('ProductPage'), {
        id: product.id,
      });
      expect(partial.data).toMatchObject({ product: { id: product.id, name: product.name } });
      await eventually(async () => {
        expect(first.output()).toMatch(/inventory is serving again/);
        const again = await graphqlRequest(first.url, operationText('ProductPage'), {
          id: product.id,
        });
        expect(again.errors).toBeUndefined();
        expect(again.data).toMatchObject({
          product: { inventory: { inStock: expect.any(Boolean) } },
        });
      }, 60_000);

      // Written straight into the products database: it must be there after a restart.
      const client = new pg.Client({
        connectionString: `postgresql://postgres@127.0.0.1:${dbPort}/shop_products`,
      });
      await client.connect();
      await client.query(
        `INSERT INTO products."Category" (id, name, slug) VALUES ('00000000-0000-4000-8000-00000000beef', 'Persisted', 'persisted')`,
      );
      await client.end();
    } finally {
      const processes = descendantsOf(supervisor);
      // Ctrl-C: the supervisor stops every service and then the database, and exits cleanly.
      expect(await first.stop('SIGINT')).toBe(0);
      await eventually(() => expect(processes.filter(isRunning)).toEqual([]));
    }

    const second = await startStackProcess(dataDir, env);
    try {
      const categories = await graphqlRequest(second.url, operationText('Categories'));
      const slugs = (categories.data as { categories: { slug: string }[] }).categories.map(
        (category) => category.slug,
      );
      expect(slugs).toContain('persisted');
      expect(slugs).toHaveLength(seedData.categories.length + 1);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 300_000);
});
