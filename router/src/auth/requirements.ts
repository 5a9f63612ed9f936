import { scopesOf, type Identity } from '@shop/identity';

/** What the schema asks of a caller for one field or type. */
export interface Requirement {
  authenticated: boolean;
  /** @requiresScopes: any one inner list, all of whose scopes the caller has. */
  scopes: string[][] | null;
}

export interface AuthRequirements {
  /** Keyed "Type.field". */
  fields: Map<string, Requirement>;
  /** Keyed by type name: every field returning such a type needs it. */
  types: Map<string, Requirement>;
}

export type Refusal = 'UNAUTHENTICATED' | 'FORBIDDEN';

/**
 * Why this caller may not have a field, or null if it may. Without an
 * identity the answer is UNAUTHENTICATED; a user without the scopes is
 * FORBIDDEN, the codes the client contract uses.
 */
export function refusalFor(
  requirement: Requirement | undefined,
  identity: Identity,
): Refusal | null {
  if (!requirement) return null;
  const anonymous = identity.kind === 'anonymous';
  if (requirement.authenticated && anonymous) return 'UNAUTHENTICATED';
  if (requirement.scopes) {
    const granted = new Set(scopesOf(identity));
    const satisfied = requirement.scopes.some((all) => all.every((scope) => granted.has(scope)));
    if (!satisfied) return anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  }
  return null;
}

export function mergeRequirements(
  a: Requirement | undefined,
  b: Requirement | undefined,
): Requirement | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    authenticated: a.authenticated || b.authenticated,
    // Both must hold: every combination of one alternative from each.
    scopes:
      a.scopes && b.scopes
        ? a.scopes.flatMap((left) => b.scopes!.map((right) => [...new Set([...left, ...right])]))
        : (a.scopes ?? b.scopes),
  };
}
