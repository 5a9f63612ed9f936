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
 * selections included, typed through the API schema.
 */
export function requiredArgumentsOf(
  supergraphSdl: string,
  schema: GraphQLSchema,
): RequiredArguments {
  const required = new Map<string, Map<string, Set<string>>>();
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
        if (operation?.kind === Kind.OPERATION_DEFINITION) {
          record(definition.name.value, operation.selectionSet);
        }
      }
    }
  }
  return required;
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
  required: RequiredArguments,
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
