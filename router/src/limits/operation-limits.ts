import {
  getOperationAST,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
} from 'graphql';
import { readCostDirectives } from './cost-directives';
import { LimitCode, OperationLimitError } from './limit-errors';
import { measureOperation, type CostSettings, type OperationMeasures } from './measure-operation';

/** The limits an operation must stay within; 0 turns one off. */
export interface OperationLimitSettings {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxSelections: number;
  maxTokens: number;
  maxCost: number;
  defaultListSize: number;
}

export interface OperationLimits {
  /** For graphql's parse: it stops counting, and fails, past maxTokens. */
  parseOptions: ParseOptions;
  /** The first limit the operation exceeds, or undefined when it is within all of them. */
  check(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | undefined,
  ): OperationLimitError | undefined;
}

const CHECKS: {
  limit: Exclude<keyof OperationLimitSettings, 'maxTokens' | 'defaultListSize'>;
  measure: Exclude<keyof OperationMeasures, 'readsVariables'>;
  code: LimitCode;
  what: string;
}[] = [
  { limit: 'maxDepth', measure: 'depth', code: LimitCode.MAX_DEPTH_EXCEEDED, what: 'depth' },
  {
    limit: 'maxAliases',
    measure: 'aliases',
    code: LimitCode.MAX_ALIASES_EXCEEDED,
    what: 'number of aliases',
  },
  {
    limit: 'maxRootFields',
    measure: 'rootFields',
    code: LimitCode.MAX_ROOT_FIELDS_EXCEEDED,
    what: 'number of root fields',
  },
  {
    limit: 'maxSelections',
    measure: 'selections',
    code: LimitCode.MAX_SELECTIONS_EXCEEDED,
    what: 'number of field selections (fragments expanded)',
  },
  {
    limit: 'maxCost',
    measure: 'cost',
    code: LimitCode.COST_LIMIT_EXCEEDED,
    what: 'estimated cost',
  },
];

/** Depth, aliases, root fields and @cost/@listSize cost, from the supergraph's directives. */
export function createOperationLimits(
  settings: OperationLimitSettings,
  supergraphSdl: string,
): OperationLimits {
  const cost: CostSettings = {
    directives: readCostDirectives(supergraphSdl),
    defaultListSize: settings.defaultListSize,
  };
  // Measures of cached documents (Apollo hands the same DocumentNode back for
  // the same text), per operation name, when no variable sized a list (by its
  // value or, not sent, by its default): most requests then pay a lookup, not
  // a walk of their operation.
  const measured = new WeakMap<DocumentNode, Map<string, OperationMeasures>>();
  const measuresOf = (
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
  ): OperationMeasures => {
    const name = operation.name?.value ?? '';
    const known = measured.get(document)?.get(name);
    if (known) return known;
    const measures = measureOperation(schema, document, operation, variables, cost);
    if (!measures.readsVariables) {
      const byName = measured.get(document) ?? new Map<string, OperationMeasures>();
      byName.set(name, measures);
      measured.set(document, byName);
    }
    return measures;
  };
  return {
    parseOptions: settings.maxTokens > 0 ? { maxTokens: settings.maxTokens } : {},
    check(schema, document, operationName, variables) {
      const operation = getOperationAST(document, operationName);
      if (!operation) return undefined;
      const measures = measuresOf(schema, document, operation, variables ?? {});
      for (const { limit, measure, code, what } of CHECKS) {
        const allowed = settings[limit];
        const actual = measures[measure];
        if (allowed > 0 && actual > allowed) {
          return new OperationLimitError(
            code,
            `The operation's ${what} is ${actual}, above the limit of ${allowed}`,
            { limit: allowed, actual },
          );
        }
      }
      return undefined;
    },
  };
}
