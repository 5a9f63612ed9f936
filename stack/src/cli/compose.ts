// npm run compose: supergraph.yaml (rover's format) -> supergraph.graphql,
// with @apollo/composition (fails on errors and on hints not accepted), and
// the API schema clients see -> clients/schema.graphql.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  apiSchemaSdl,
  composeSupergraph,
  readSubgraphSdls,
  readSupergraphConfig,
} from '@shop/composition';
import { REPO_ROOT } from '../config';

async function main(): Promise<void> {
  const config = await readSupergraphConfig(path.join(REPO_ROOT, 'supergraph.yaml'));
  const subgraphs = await readSubgraphSdls(config);
  const { supergraphSdl } = composeSupergraph(subgraphs);
  await writeFile(path.join(REPO_ROOT, 'supergraph.graphql'), `${supergraphSdl.trim()}\n`);
  await writeFile(path.join(REPO_ROOT, 'clients', 'schema.graphql'), apiSchemaSdl(supergraphSdl));
  process.stdout.write(
    `wrote supergraph.graphql and clients/schema.graphql from ${subgraphs.length} subgraphs\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
