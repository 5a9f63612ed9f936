import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type ConstValueNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { fragmentsByName } from '../documents/fragments-by-name';
import type { CostDirectives, ListSize } from './cost-directives';

/** What the limits compare, with every fragment spread counted where it is spread. */
export interface OperationMeasures {
  /** Nesting of fields; a root field alone is 1. */
  depth: number;
  aliases: number;
  rootFields: number;
  /**
   * Field selections with every fragment expanded where spread, duplicates
   * included: scalars cost nothing, yet a planner that expands fragments
   * walks each of them.
   */
  selections: number;
  /** Estimated work, in Federation demand-control units. */
  cost: number;
  /**
   * Whether a list size came from a variable (its value, or its default when
   * it was not sent): then the measures hold for those variables only.
   */
  readsVariables: boolean;
}

export interface CostSettings {
  directives: CostDirectives;
  /** Length assumed for a list field with neither @listSize nor a slicing argument. */
  defaultListSize: number;
}

/** Federation's demand control counts a mutation's root field as 10 units of work. */
const MUTATION_ROOT_WEIGHT = 10;

interface SelectionMeasures {
  depth: number;
  aliases: number;
  /** Fields of this selection set itself (fragments included), not of its children. */
  fields: number;
  selections: number;
  cost: number;
}

const NOTHING: SelectionMeasures = { depth: 0, aliases: 0, fields: 0, selections: 0, cost: 0 };
const NO_SIZED_FIELDS: ReadonlyMap<string, number> = new Map();

/**
 * Measures a validated operation. A fragment is measured once per context and
 * reused, so a document that spreads fragments exponentially many times costs
 * linear time to measure while its numbers grow as they would when executed.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  settings: CostSettings,
): OperationMeasures {
  const root = schema.getRootType(operation.operation);
  if (!root) {
    return { depth: 0, aliases: 0, rootFields: 0, selections: 0, cost: 0, readsVariables: false };
  }
  const measurer = new SelectionMeasurer(schema, document, operation, variables, settings);
  const measures = measurer.selectionSet(operation.selectionSet, root, NO_SIZED_FIELDS);
  const mutationWeight = operation.operation === 'mutation' ? MUTATION_ROOT_WEIGHT : 0;
  return {
    depth: measures.depth,
    aliases: measures.aliases,
    rootFields: measures.fields,
    selections: measures.selections,
    cost: measures.cost + mutationWeight * measures.fields,
    readsVariables: measurer.readsVariables,
  };
}

class SelectionMeasurer {
  /** Whether a list size came from a variable: then the measures hold for these variables only. */
  readsVariables = false;
  private readonly fragments: Map<string, FragmentDefinitionNode>;
  private readonly measured = new Map<string, SelectionMeasures>();
  private readonly measuring = new Set<string>();
  private readonly variableDefaults = new Map<string, ConstValueNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    private readonly variables: Record<string, unknown>,
    private readonly settings: CostSettings,
  ) {
    this.fragments = fragmentsByName(document);
    for (const variable of operation.variableDefinitions ?? []) {
      if (variable.defaultValue) {
        this.variableDefaults.set(variable.variable.name.value, variable.defaultValue);
      }
    }
  }

  /** `sized`: lengths a parent's @listSize(sizedFields:) sets for fields of this selection. */
  selectionSet(
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    sized: ReadonlyMap<string, number>,
  ): SelectionMeasures {
    const total = { ...NOTHING };
    for (const selection of selectionSet.selections) {
      let part: SelectionMeasures;
      if (selection.kind === Kind.FIELD) {
        part = this.field(selection, parent, sized);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        part = this.selectionSet(
          selection.selectionSet,
          this.typeCondition(selection.typeCondition?.name.value) ?? parent,
          sized,
        );
      } else {
        part = this.fragmentSpread(selection.name.value, sized);
      }
      total.depth = Math.max(total.depth, part.depth);
      total.aliases += part.aliases;
      total.fields += part.fields;
      total.selections += part.selections;
      total.cost += part.cost;
    }
    return total;
  }

  private fragmentSpread(name: string, sized: ReadonlyMap<string, number>): SelectionMeasures {
    const key = `${name}|${[...sized].join(',')}`;
    const known = this.measured.get(key);
    if (known) return known;
    const fragment = this.fragments.get(name);
    const type = this.typeCondition(fragment?.typeCondition.name.value);
    // Validation refuses fragment cycles; this keeps the walk finite regardless.
    if (!fragment || !type || this.measuring.has(name)) return NOTHING;
    this.measuring.add(name);
    const measures = this.selectionSet(fragment.selectionSet, type, sized);
    this.measuring.delete(name);
    this.measured.set(key, measures);
    return measures;
  }

  private field(
    node: FieldNode,
    parent: GraphQLCompositeType,
    sized: ReadonlyMap<string, number>,
  ): SelectionMeasures {
    const aliases = node.alias ? 1 : 0;
    const definition =
      isObjectType(parent) || isInterfaceType(parent)
        ? parent.getFields()[node.name.value]
        : undefined;
    // __typename and introspection: no subgraph work, and introspection is off in production.
    if (!definition || node.name.value.startsWith('__')) {
      return { depth: 0, aliases, fields: 1, selections: 1, cost: 0 };
    }
    const { weights, listSizes } = this.settings.directives;
    const key = `${parent.name}.${definition.name}`;
    const type = getNamedType(definition.type);
    const listSize = listSizes.get(key);
    const sliced = listSize && this.slicedLength(node, definition, listSize);
    const returnsList = isListType(getNullableType(definition.type));
    const ownsLength = returnsList && !listSize?.sizedFields.length;
    const length =
      sized.get(definition.name) ??
      (ownsLength ? (sliced ?? listSize?.assumedSize ?? this.settings.defaultListSize) : 1);
    const childSized =
      listSize?.sizedFields.length && sliced !== undefined
        ? new Map(listSize.sizedFields.map((field) => [field, sliced]))
        : NO_SIZED_FIELDS;
    const weight = weights.get(key) ?? weights.get(type.name) ?? (isLeafType(type) ? 0 : 1);
    const children =
      node.selectionSet && isCompositeType(type)
        ? this.selectionSet(node.selectionSet, type, childSized)
        : NOTHING;
    return {
      depth: 1 + children.depth,
      aliases: aliases + children.aliases,
      fields: 1,
      selections: 1 + children.selections,
      cost: length * (weight + children.cost),
    };
  }

  /** The largest slicing argument given (or defaulted); undefined when none is. */
  private slicedLength(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown>,
    listSize: ListSize,
  ): number | undefined {
    let length: number | undefined;
    for (const name of listSize.slicingArguments) {
      const value = this.argumentValue(node, definition, name);
      if (typeof value === 'number' && Number.isFinite(value)) {
        length = Math.max(length ?? 0, value, 0);
      }
    }
    return length;
  }

  /**
   * The value execution gives an argument, as graphql-js coerces it: the
   * literal, or the variable's value when sent, else the variable's default,
   * else (the variable neither sent nor defaulted, or the argument not given)
   * the argument's default in the schema. Costing anything else would let a
   * defaulted variable run a page the same literal would be refused for.
   */
  private argumentValue(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown>,
    name: string,
  ): unknown {
    const given = node.arguments?.find((argument) => argument.name.value === name)?.value;
    if (given?.kind === Kind.VARIABLE) {
      this.readsVariables = true;
      const variable = given.name.value;
      if (Object.hasOwn(this.variables, variable)) return this.variables[variable];
      const fallback = this.variableDefaults.get(variable);
      if (fallback) return literalValue(fallback);
    } else if (given) {
      return literalValue(given);
    }
    return definition.args.find((argument) => argument.name === name)?.defaultValue;
  }

  private typeCondition(name: string | undefined): GraphQLCompositeType | undefined {
    if (!name) return undefined;
    const type = this.schema.getType(name);
    return type && isCompositeType(type) ? type : undefined;
  }
}

/** An Int literal's value; slicing arguments take nothing else. */
function literalValue(value: ValueNode): number | undefined {
  return value.kind === Kind.INT ? Number(value.value) : undefined;
}
