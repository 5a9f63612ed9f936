import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** Per type and field, the arguments (printed) some `@requires` reads it with. */
export type RequiredArguments = ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;

/**
 * Per type, per field with a `@requires`, the fields with arguments its
 * requirement reads at the top of its field set: name → printed arguments.
 */
export type RequirementsWithArguments = ReadonlyMap<
  string,
  ReadonlyMap<string, ReadonlyMap<string, string>>
>;

/** What the supergraph's `@requires` field sets read with arguments. */
export interface RequirementIndex {
  required: RequiredArguments;
  requirements: RequirementsWithArguments;
}

/** An operation with its fields that clash with a requirement aliased apart. */
export interface SeparatedOperation {
  document: DocumentNode;
  /** Generated alias → the response name the client asked for. */
  renamed: ReadonlyMap<string, string>;
}

const printedArguments = (args: readonly ArgumentNode[] | undefined): string =>
  [...(args ?? [])]
    .sort((a, b) => a.name.value.localeCompare(b.name.value))
    .map((arg) => `${arg.name.value}:${print(arg.value)}`)
    .join(',');

/**
 * The fields with arguments that `@requires` field sets of the supergraph
 * read (`@join__field(requires: "comments(limit: 3) { id }")`), nested
 * selections included, typed through the API schema; and per requiring
 * field, what its field set reads with arguments at its top.
 */
export function requirementIndexOf(supergraphSdl: string, schema: GraphQLSchema): RequirementIndex {
  const required = new Map<string, Map<string, Set<string>>>();
  const requirements = new Map<string, Map<string, Map<string, string>>>();
  const record = (typeName: string, selectionSet: SelectionSetNode) => {
    const type = schema.getType(typeName);
    if (!type || !isCompositeType(type) || !('getFields' in type)) return;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        record(selection.typeCondition?.name.value ?? typeName, selection.selectionSet);
        continue;
      }
      if (selection.kind !== Kind.FIELD) continue;
      const field = type.getFields()[selection.name.value];
      if (!field) continue;
      if (selection.arguments?.length) {
        const fields = required.get(typeName) ?? new Map<string, Set<string>>();
        const variants = fields.get(selection.name.value) ?? new Set<string>();
        variants.add(printedArguments(selection.arguments));
        fields.set(selection.name.value, variants);
        required.set(typeName, fields);
      }
      if (selection.selectionSet) record(getNamedType(field.type).name, selection.selectionSet);
    }
  };
  for (const definition of parse(supergraphSdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      for (const directive of field.directives ?? []) {
        if (directive.name.value !== 'join__field') continue;
        const requires = directive.arguments?.find((arg) => arg.name.value === 'requires');
        if (requires?.value.kind !== Kind.STRING) continue;
        const { definitions } = parse(`{ ${requires.value.value} }`);
        const [operation] = definitions;
        if (operation?.kind !== Kind.OPERATION_DEFINITION) continue;
        record(definition.name.value, operation.selectionSet);
        const read = new Map<string, string>();
        for (const selection of operation.selectionSet.selections) {
          if (selection.kind === Kind.FIELD && selection.arguments?.length) {
            read.set(selection.name.value, printedArguments(selection.arguments));
          }
        }
        if (read.size === 0) continue;
        const fields = requirements.get(definition.name.value) ?? new Map();
        fields.set(field.name.value, read);
        requirements.set(definition.name.value, fields);
      }
    }
  }
  return { required, requirements };
}

/**
 * The operation with every field that a `@requires` of its type reads with
 * other arguments given an alias of its own. @apollo/query-planner merges a
 * client's `comments(limit: 1)` and a requirement's `comments(limit: 3)`
 * under the one response name `comments`, so one of them answers for both:
 * the client got three comments, or the required field was computed from
 * one. Aliased apart, both are fetched; the response shaper writes the
 * alias back under the client's name (`renamed`). An operation that selects
 * no such field is returned as it is.
 */
export function separateFromRequirements(
  document: DocumentNode,
  schema: GraphQLSchema,
  { required }: RequirementIndex,
): SeparatedOperation {
  const renamed = new Map<string, string>();
  if (required.size === 0) return { document, renamed };
  const taken = new Set<string>();
  visit(document, {
    Field: (node) => void taken.add(node.alias?.value ?? node.name.value),
  });
  const aliasFor = (name: string) => {
    let alias: string;
    do alias = `_requiresApart${renamed.size}_${name}`;
    while (taken.has(alias) || renamed.has(alias));
    renamed.set(alias, name);
    return alias;
  };
  const clashes = (parentType: string, field: FieldNode) => {
    const variants = required.get(parentType)?.get(field.name.value);
    if (!variants) return false;
    const asked = printedArguments(field.arguments);
    return [...variants].some((variant) => variant !== asked);
  };

  const typeInfo = new TypeInfo(schema);
  const separated = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.alias && node.alias.value !== node.name.value) return undefined;
        const parent = typeInfo.getParentType();
        if (!parent) return undefined;
        const candidates = isAbstractType(parent)
          ? [parent.name, ...schema.getPossibleTypes(parent).map((type) => type.name)]
          : [parent.name];
        if (!candidates.some((name) => clashes(name, node))) return undefined;
        return { ...node, alias: { kind: Kind.NAME, value: aliasFor(node.name.value) } };
      },
    }),
  );
  return renamed.size === 0 ? { document, renamed } : { document: separated, renamed };
}

/**
 * The operation as several, run one after another on one result tree, when
 * it selects fields whose `@requires` read one field with different
 * arguments (`usdLabel` needs `price(currency: "USD")`, `eurLabel`
 * `price(currency: "EUR")`): a representation carries one `price`, and the
 * planner fetches one of them for both. Each operation keeps one variant
 * of such fields and drops the others, so each is planned with its own
 * requirement; the next one's fetch of the requirement overwrites the tree's
 * value only after the previous ones have used it. A query only: a mutation
 * would run twice (the executor refuses a mutation that clashes). Returns
 * the operation alone when nothing clashes.
 */
export function splitByRequirementVariants(
  document: DocumentNode,
  schema: GraphQLSchema,
  requirementIndex: RequirementIndex,
): DocumentNode[] {
  const { variants, count, isQuery } = requirementVariants(document, schema, requirementIndex);
  if (count === 1 || !isQuery) return [document];
  const variantOf = variantReader(requirementIndex);

  return Array.from({ length: count }, (_, index) => {
    const splitTypeInfo = new TypeInfo(schema);
    return visit(
      document,
      visitWithTypeInfo(splitTypeInfo, {
        Field(node) {
          const parent = splitTypeInfo.getParentType();
          const variant = parent && variantOf(parent.name, node.name.value);
          if (!parent || !variant) return undefined;
          const [requiredField, args] = variant;
          const all = variants.get(parent.name)!.get(requiredField)!;
          if (all.length < 2) return undefined;
          return all.indexOf(args) === Math.min(index, all.length - 1) ? undefined : null;
        },
        SelectionSet: {
          leave(node) {
            if (node.selections.length > 0) return undefined;
            // Every field of it belonged to another variant: a selection set may not be empty.
            return {
              ...node,
              selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }],
            };
          },
        },
      }),
    );
  });
}

/**
 * Whether the operation reads one field with the arguments of two
 * requirements (see splitByRequirementVariants): a subscription that does
 * cannot be answered, since each part would be an upstream subscription of
 * its own, nor a mutation, since each part would run it again.
 */
export function hasClashingRequirements(
  document: DocumentNode,
  schema: GraphQLSchema,
  index: RequirementIndex,
): boolean {
  return requirementVariants(document, schema, index).count > 1;
}

function variantReader({ requirements }: RequirementIndex) {
  return (parentType: string, fieldName: string): [string, string] | undefined => {
    const read = requirements.get(parentType)?.get(fieldName);
    return read ? [...read][0] : undefined;
  };
}

/** Per type and required field, each variant (printed arguments) the operation selects. */
function requirementVariants(
  document: DocumentNode,
  schema: GraphQLSchema,
  index: RequirementIndex,
) {
  const variants = new Map<string, Map<string, string[]>>();
  let isQuery = true;
  if (index.requirements.size === 0) return { variants, count: 1, isQuery };
  const variantOf = variantReader(index);
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition: (node) => void (isQuery &&= node.operation === 'query'),
      Field(node) {
        const parent = typeInfo.getParentType();
        const variant = parent && variantOf(parent.name, node.name.value);
        if (!parent || !variant) return;
        const [requiredField, args] = variant;
        const byField = variants.get(parent.name) ?? new Map<string, string[]>();
        const seen = byField.get(requiredField) ?? [];
        if (!seen.includes(args)) seen.push(args);
        byField.set(requiredField, seen);
        variants.set(parent.name, byField);
      },
    }),
  );
  const count = Math.max(
    1,
    ...[...variants.values()].flatMap((byField) => [...byField.values()].map((v) => v.length)),
  );
  return { variants, count, isQuery };
}
