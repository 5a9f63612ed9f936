// npm run generate: writes subgraphs/<name>/schema.graphql from the code.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../config';
import { subgraphSdls } from '../subgraph-sdl';

async function main(): Promise<void> {
  for (const { name, sdl } of await subgraphSdls()) {
    const file = path.join(REPO_ROOT, 'subgraphs', name, 'schema.graphql');
    await writeFile(file, sdl);
    process.stdout.write(`wrote ${path.relative(REPO_ROOT, file)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
