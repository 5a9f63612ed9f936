import { printSubgraphSchema } from '@apollo/subgraph';
import { SUBGRAPHS } from './subgraphs';

/** Each subgraph's SDL as its code defines it: what schema.graphql must hold. */
export async function subgraphSdls(): Promise<{ name: string; sdl: string }[]> {
  return Promise.all(
    SUBGRAPHS.map(async (subgraph) => ({
      name: subgraph.name,
      sdl: `${printSubgraphSchema(await subgraph.buildSchema()).trim()}\n`,
    })),
  );
}
