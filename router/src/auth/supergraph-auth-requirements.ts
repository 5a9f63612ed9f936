import {
  Kind,
  parse,
  print,
  visit,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DirectiveNode,
  type DocumentNode,
} from 'graphql';
import type { AuthRequirements, Requirement } from './requirements';

/** The @link features this router enforces itself, by spec name. */
const ENFORCED = new Set(['authenticated', 'requiresScopes']);

export interface SupergraphWithAuthRequirements {
  /** What @apollo/gateway loads: the enforced features no longer marked for SECURITY. */
  gatewaySdl: string;
  requirements: AuthRequirements;
}

/**
 * @apollo/gateway refuses supergraphs whose @link features are `for:
 * SECURITY` (or EXECUTION) and unknown to it, rightly: serving them without
 * enforcing them would leak. This router enforces @authenticated and
 * @requiresScopes before execution, so it reads their requirements here and
 * hands the gateway the supergraph with those two links no longer marked for
 * SECURITY. Any other security feature still makes the gateway refuse to load.
 */
export function readSupergraphAuthRequirements(
  supergraphSdl: string,
): SupergraphWithAuthRequirements {
  const document = parse(supergraphSdl);
  const names = new Map<string, string>(); // local directive name -> spec name

  const gatewayDocument = visit(document, {
    Directive(node) {
      if (node.name.value !== 'link') return undefined;
      const url = stringArgument(node, 'url');
      const spec = url ? specName(url) : undefined;
      // Everything else is the gateway's to judge: it supports join, link, tag,
      // inaccessible and the like, and refuses unknown SECURITY features.
      if (!spec || !ENFORCED.has(spec)) return undefined;
      names.set(stringArgument(node, 'as') ?? spec, spec);
      return {
        ...node,
        arguments: node.arguments?.filter((argument) => argument.name.value !== 'for'),
      };
    },
  });

  return { gatewaySdl: print(gatewayDocument), requirements: readRequirements(document, names) };
}

function readRequirements(document: DocumentNode, names: Map<string, string>): AuthRequirements {
  const fields = new Map<string, Requirement>();
  const types = new Map<string, Requirement>();
  if (names.size === 0) return { fields, types };

  for (const definition of document.definitions) {
    if (!isTypeSystemDefinition(definition)) continue;
    const typeName = definition.name.value;
    const onType = requirementOf(definition.directives, names);
    if (onType) types.set(typeName, onType);
    if (!('fields' in definition) || !definition.fields) continue;
    for (const field of definition.fields) {
      const onField = requirementOf(field.directives, names);
      if (onField) fields.set(`${typeName}.${field.name.value}`, onField);
    }
  }
  return { fields, types };
}

type TypeSystemDefinition = Extract<
  DocumentNode['definitions'][number],
  {
    kind:
      | Kind.OBJECT_TYPE_DEFINITION
      | Kind.INTERFACE_TYPE_DEFINITION
      | Kind.SCALAR_TYPE_DEFINITION
      | Kind.ENUM_TYPE_DEFINITION;
  }
>;

function isTypeSystemDefinition(
  definition: DocumentNode['definitions'][number],
): definition is TypeSystemDefinition {
  return (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    definition.kind === Kind.SCALAR_TYPE_DEFINITION ||
    definition.kind === Kind.ENUM_TYPE_DEFINITION
  );
}

function requirementOf(
  directives: readonly ConstDirectiveNode[] | undefined,
  names: Map<string, string>,
): Requirement | undefined {
  let requirement: Requirement | undefined;
  for (const directive of directives ?? []) {
    const spec = names.get(directive.name.value);
    if (spec === 'authenticated') {
      requirement = { authenticated: true, scopes: requirement?.scopes ?? null };
    } else if (spec === 'requiresScopes') {
      const scopes = directive.arguments?.find(
        (argument) => argument.name.value === 'scopes',
      )?.value;
      requirement = {
        authenticated: requirement?.authenticated ?? false,
        scopes: scopeLists(scopes),
      };
    }
  }
  return requirement;
}

function scopeLists(value: ConstValueNode | undefined): string[][] {
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((inner) =>
    inner.kind === Kind.LIST
      ? inner.values.flatMap((scope) => (scope.kind === Kind.STRING ? [scope.value] : []))
      : [],
  );
}

/** "https://specs.apollo.dev/requiresScopes/v0.1" -> "requiresScopes" */
function specName(url: string): string | undefined {
  const parts = new URL(url).pathname.split('/').filter(Boolean);
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

function stringArgument(node: DirectiveNode, name: string): string | undefined {
  const value = node.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}
