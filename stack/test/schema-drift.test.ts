import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  apiSchemaSdl,
  composeSupergraph,
  readSubgraphSdls,
  readSupergraphConfig,
} from '@shop/composition';
import { subgraphSdls } from '@shop/stack';

const repoRoot = path.resolve(__dirname, '../..');
const fix = 'run `npm run generate` and commit the result';

describe('generated schemas are up to date', () => {
  it.each(['users', 'products', 'orders', 'payments', 'inventory', 'search'])(
    'subgraphs/%s/schema.graphql is what the code defines',
    async (name) => {
      const fromCode = (await subgraphSdls()).find((subgraph) => subgraph.name === name)!.sdl;
      const committed = await readFile(
        path.join(repoRoot, 'subgraphs', name, 'schema.graphql'),
        'utf8',
      );
      expect({ file: committed, fix }).toEqual({ file: fromCode, fix });
    },
  );

  it('supergraph.graphql is the composition of the committed subgraph schemas, without unaccepted hints', async () => {
    const config = await readSupergraphConfig(path.join(repoRoot, 'supergraph.yaml'));
    const { supergraphSdl } = composeSupergraph(await readSubgraphSdls(config));
    const committed = await readFile(path.join(repoRoot, 'supergraph.graphql'), 'utf8');
    expect({ file: committed, fix }).toEqual({ file: `${supergraphSdl.trim()}\n`, fix });
  });

  it('clients/schema.graphql is the API schema of the committed supergraph', async () => {
    const supergraph = await readFile(path.join(repoRoot, 'supergraph.graphql'), 'utf8');
    const committed = await readFile(path.join(repoRoot, 'clients', 'schema.graphql'), 'utf8');
    expect({ file: committed, fix }).toEqual({ file: apiSchemaSdl(supergraph), fix });
  });
});
