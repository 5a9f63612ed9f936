// `npm start` as a person meets it: from an installed checkout (build
// included) to "Supergraph ready" on an empty data directory, then peak memory (PSS)
// after serving ProductPage for every product 20 times (`rounds`); then a warm start:
// built, on the data the first run left.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { graphql, root, startStackProcess } from '../lib/stack-process.mjs';

const PRODUCT_PAGE = `query ProductPage($id: ID!) { product(id: $id) { id name price { amount currency }
  category { name } reviews(first: 5) { edges { node { rating author { name } } } } inventory { available inStock } } }`;

/** `rounds`: how many times every product page is served before memory is read. */
export async function startup({ keepBuild = false, rounds = 20 } = {}) {
  if (!keepBuild) {
    // As after `npm ci`: no compiled output, no generated Prisma clients.
    execFileSync(
      'bash',
      [
        '-c',
        'rm -rf internal/*/dist subgraphs/*/dist subgraphs/*/generated router/dist stack/dist',
      ],
      { cwd: root },
    );
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-startup-'));
  try {
    const cold = await coldStart(dataDir, rounds);
    const warm = await startStackProcess({ command: ['npm', 'start', '--silent'], dataDir });
    await warm.stop();
    return { ...cold, warmStartupSeconds: Number(warm.startupSeconds.toFixed(1)) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function coldStart(dataDir, rounds) {
  const stack = await startStackProcess({ command: ['npm', 'start', '--silent'], dataDir });
  try {
    const list = await graphql(stack.url, '{ products(first: 100) { edges { node { id } } } }');
    const ids = list.data.products.edges.map((edge) => edge.node.id);
    let productPageErrors = 0;
    for (let round = 0; round < rounds; round++) {
      const answers = await Promise.all(ids.map((id) => graphql(stack.url, PRODUCT_PAGE, { id })));
      productPageErrors += answers.filter((answer) => answer.errors || !answer.data).length;
    }
    return {
      scenario: 'startup (npm start, cold build, empty database)',
      startupSeconds: Number(stack.startupSeconds.toFixed(1)),
      peakMemoryMiB: Math.round(stack.peakMemoryBytes() / 2 ** 20),
      productPageRequests: ids.length * rounds,
      productPageErrors,
    };
  } finally {
    await stack.stop();
  }
}
