import { Kind, parse, type ConstDirectiveNode, type ConstValueNode } from 'graphql';

/** @listSize of one field, as Federation's demand-control spec defines it. */
export interface ListSize {
  assumedSize?: number;
  slicingArguments: string[];
  /** Child fields whose length the slicing argument sets (e.g. a connection's `edges`). */
  sizedFields: string[];
}

export interface CostDirectives {
  /** @cost(weight:) by type name, and by `Type.field`. */
  weights: Map<string, number>;
  listSizes: Map<string, ListSize>;
}

/**
 * Reads @cost and @listSize from the supergraph SDL. The API schema the gateway
 * serves drops them, so the router keeps its own copy. Composition writes them
 * under their spec names when subgraphs import them unrenamed, as ours do
 * (internal/federation's @link import list).
 */
export function readCostDirectives(supergraphSdl: string): CostDirectives {
  const weights = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.SCALAR_TYPE_DEFINITION &&
      definition.kind !== Kind.ENUM_TYPE_DEFINITION
    ) {
      continue;
    }
    const typeName = definition.name.value;
    const typeWeight = costWeight(definition.directives);
    if (typeWeight !== undefined) weights.set(typeName, typeWeight);
    if (!('fields' in definition)) continue;
    for (const field of definition.fields ?? []) {
      const key = `${typeName}.${field.name.value}`;
      const weight = costWeight(field.directives);
      if (weight !== undefined) weights.set(key, weight);
      const listSize = field.directives?.find((directive) => directive.name.value === 'listSize');
      if (listSize) listSizes.set(key, readListSize(listSize));
    }
  }
  return { weights, listSizes };
}

function costWeight(directives: readonly ConstDirectiveNode[] | undefined): number | undefined {
  const cost = directives?.find((directive) => directive.name.value === 'cost');
  const weight = cost?.arguments?.find((argument) => argument.name.value === 'weight')?.value;
  return weight?.kind === Kind.INT ? Number(weight.value) : undefined;
}

function readListSize(directive: ConstDirectiveNode): ListSize {
  const argument = (name: string) =>
    directive.arguments?.find((candidate) => candidate.name.value === name)?.value;
  const assumed = argument('assumedSize');
  return {
    assumedSize: assumed?.kind === Kind.INT ? Number(assumed.value) : undefined,
    slicingArguments: stringList(argument('slicingArguments')),
    sizedFields: stringList(argument('sizedFields')),
  };
}

function stringList(value: ConstValueNode | undefined): string[] {
  if (value?.kind !== Kind.LIST) return [];
  return value.values.flatMap((item) => (item.kind === Kind.STRING ? [item.value] : []));
}
