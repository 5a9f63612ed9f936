// `npm start` as a person meets it: from an installed checkout (build
// included) to "Supergraph ready" on an empty data directory, then peak RSS
// after serving ProductPage for every product 20 times.
import { execFileSync } from 'node:child_process';
import { graphql, root, startStackProcess } from '../lib/stack-process.mjs';

const PRODUCT_PAGE = `query ProductPage($id: ID!) { product(id: $id) { id name price { amount currency }
  category { name } reviews(first: 5) { edges { node { rating author { name } } } } inventory { available inStock } } }`;

export async function startup({ keepBuild = false } = {}) {
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
  const stack = await startStackProcess({ command: ['npm', 'start', '--silent'] });
  try {
    const list = await graphql(stack.url, '{ products(first: 100) { edges { node { id } } } }');
    const ids = list.data.products.edges.map((edge) => edge.node.id);
    for (let round = 0; round < 20; round++) {
      await Promise.all(ids.map((id) => graphql(stack.url, PRODUCT_PAGE, { id })));
    }
    return {
      scenario: 'startup (npm start, cold build, empty database)',
      startupSeconds: Number(stack.startupSeconds.toFixed(1)),
      peakRssMiB: Math.round(stack.peakRssBytes() / 2 ** 20),
      productPageRequests: ids.length * 20,
    };
  } finally {
    await stack.stop();
  }
}
