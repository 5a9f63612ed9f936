import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** supergraph.yaml, in rover's format, so `rover supergraph compose` reads it too. */
const supergraphConfigSchema = z.object({
  federation_version: z.string(),
  subgraphs: z.record(
    z.string(),
    z.object({
      routing_url: z.string().url(),
      schema: z.object({ file: z.string() }),
    }),
  ),
});

export interface SubgraphSource {
  name: string;
  url: string;
  /** Absolute path of the subgraph's SDL file. */
  schemaFile: string;
}

export interface SupergraphConfig {
  federationVersion: string;
  subgraphs: SubgraphSource[];
}

/** The subgraphs of supergraph.yaml with their SDL files read, ready to compose. */
export async function readSubgraphSdls(
  config: SupergraphConfig,
): Promise<{ name: string; url: string; sdl: string }[]> {
  return Promise.all(
    config.subgraphs.map(async (subgraph) => ({
      name: subgraph.name,
      url: subgraph.url,
      sdl: await readFile(subgraph.schemaFile, 'utf8'),
    })),
  );
}

export async function readSupergraphConfig(file: string): Promise<SupergraphConfig> {
  const raw = supergraphConfigSchema.parse(parseYaml(await readFile(file, 'utf8')));
  const base = path.dirname(path.resolve(file));
  return {
    federationVersion: raw.federation_version,
    subgraphs: Object.entries(raw.subgraphs).map(([name, subgraph]) => ({
      name,
      url: subgraph.routing_url,
      schemaFile: path.resolve(base, subgraph.schema.file),
    })),
  };
}
