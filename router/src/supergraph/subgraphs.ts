import { Kind, parse, type ConstValueNode } from 'graphql';

export interface SupergraphSubgraph {
  name: string;
  url: string;
}

/**
 * The subgraphs a supergraph SDL routes to, read from its join__Graph enum
 * (`ACCOUNTS @join__graph(name: "accounts", url: "http://...")`).
 */
export function subgraphsOf(supergraphSdl: string): SupergraphSubgraph[] {
  const document = parse(supergraphSdl);
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph')
      continue;
    return (definition.values ?? []).flatMap((value) => {
      const directive = value.directives?.find(
        (candidate) => candidate.name.value === 'join__graph',
      );
      const argument = (name: string) =>
        stringOf(directive?.arguments?.find((candidate) => candidate.name.value === name)?.value);
      const name = argument('name');
      const url = argument('url');
      return name && url !== undefined ? [{ name, url }] : [];
    });
  }
  throw new Error('Not a supergraph: it has no join__Graph enum');
}

function stringOf(value: ConstValueNode | undefined): string | undefined {
  return value?.kind === Kind.STRING ? value.value : undefined;
}
