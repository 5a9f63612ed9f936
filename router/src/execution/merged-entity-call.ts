import {
  Kind,
  parse,
  print,
  stripIgnoredCharacters,
  visit,
  type DefinitionNode,
  type FieldNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { FetchAnswer } from './fetch-step';
import type { ResultObject } from './result-tree';

/** The response key of part `index`'s `_entities` in a merged operation. */
const partAlias = (index: number) => `_${index}`;
/** Its `$representations`. */
const partRepresentations = (index: number) => `representations_${index}`;

/** A merged operation, and how to send and split what it carries. */
export interface MergedCall {
  /** The JSON body for the parts' variables, in the order the parts were given. */
  body(parts: readonly Record<string, unknown>[]): string;
  /** Each part's share of the answer, in the same order. */
  split(answer: FetchAnswer): FetchAnswer[];
}

/**
 * Several `_entities` operations to one subgraph as one operation: each
 * part's `_entities` aliased `_<n>` with its representations in
 * `$representations_<n>`, its fragments renamed apart; the operation's own
 * variables, which all parts read from the one client request, once. The
 * answer is split back: `data._<n>` becomes part n's `_entities`, and an
 * error under `_<n>` part n's error at `_entities`. Built once per set of
 * parts and kept with the plan.
 */
export function mergeEntityOperations(operations: readonly string[], name: string): MergedCall {
  const variables = new Map<string, VariableDefinitionNode>();
  const selections: FieldNode[] = [];
  const fragments: DefinitionNode[] = [];
  operations.forEach((operation, index) => {
    const renamed = visit(parse(operation), {
      Variable: (node) =>
        node.name.value === 'representations'
          ? { ...node, name: { ...node.name, value: partRepresentations(index) } }
          : undefined,
      FragmentSpread: (node) => ({
        ...node,
        name: { ...node.name, value: `${node.name.value}_${index}` },
      }),
      FragmentDefinition: (node) => ({
        ...node,
        name: { ...node.name, value: `${node.name.value}_${index}` },
      }),
    });
    for (const definition of renamed.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) {
        fragments.push(definition);
        continue;
      }
      for (const variable of definition.variableDefinitions ?? []) {
        variables.set(variable.variable.name.value, variable);
      }
      for (const selection of definition.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD || selection.name.value !== '_entities') {
          throw new Error(`An entity fetch selects something besides _entities: ${operation}`);
        }
        selections.push({
          ...selection,
          alias: { kind: Kind.NAME, value: partAlias(index) },
        });
      }
    }
  });
  const merged: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'query' as OperationDefinitionNode['operation'],
    name: { kind: Kind.NAME, value: name },
    variableDefinitions: [...variables.values()],
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  const query = stripIgnoredCharacters(
    print({ kind: Kind.DOCUMENT, definitions: [merged, ...fragments] }),
  );
  const bodyStart = `{"query":${JSON.stringify(query)},"variables":`;
  const bodyEnd = `,"operationName":${JSON.stringify(name)}}`;

  return {
    body(parts) {
      const sent: Record<string, unknown> = {};
      parts.forEach(({ representations, ...own }, index) => {
        Object.assign(sent, own);
        sent[partRepresentations(index)] = representations;
      });
      return bodyStart + JSON.stringify(sent) + bodyEnd;
    },
    split(answer) {
      const data = answer.data;
      const errorsOf: GraphQLFormattedError[][] = operations.map(() => []);
      for (const error of answer.errors ?? []) {
        const part = partOf(error.path?.[0], operations.length);
        if (part === undefined) {
          // Not under one part's _entities (no path: the whole call failed): said once, by the first.
          errorsOf[0]!.push(error);
        } else {
          errorsOf[part]!.push({ ...error, path: ['_entities', ...error.path!.slice(1)] });
        }
      }
      return operations.map((_, index) => ({
        data:
          data === null || data === undefined
            ? data
            : ({ _entities: data[partAlias(index)] } as ResultObject),
        errors: answer.errors ? errorsOf[index] : undefined,
        cacheControl: answer.cacheControl,
      }));
    },
  };
}

function partOf(key: string | number | undefined, parts: number): number | undefined {
  if (typeof key !== 'string' || !/^_\d+$/.test(key)) return undefined;
  const index = Number(key.slice(1));
  return index < parts ? index : undefined;
}
