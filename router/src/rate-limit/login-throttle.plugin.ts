import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, OperationTypeNode, type DocumentNode, type SelectionSetNode } from 'graphql';
import { RateLimitedError } from '@shop/platform';
import { fragmentsByName } from '../documents/fragments-by-name';
import type { RouterContext } from '../context';
import type { FailedLoginStore } from './failed-login-store';

/**
 * Failed sign-ins per client address: every sign-in field of a mutation
 * (aliased, behind fragments, several in one operation) is counted as a
 * failure before the operation runs and forgiven unless it answers
 * UNAUTHENTICATED; an address that must wait is refused with 429
 * RATE_LIMITED and a retry-after before any subgraph is called. Refused
 * rather than held, as the users subgraph does per account: a held request
 * keeps a socket and memory for the whole wait, as many as the caller opens.
 * Sign-ins over graphql-ws run through the same pipeline and count alike.
 */
export function loginThrottlePlugin(
  store: FailedLoginStore,
  signInFields: ReadonlySet<string>,
): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      let counted: string[] = [];
      let address = '';
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (operation?.operation !== OperationTypeNode.MUTATION) return;
          const attempts = responseKeysOf(operation.selectionSet, document, signInFields);
          address = contextValue.clientAddress;
          for (const responseKey of attempts) {
            const decision = await store.begin(address);
            if (!decision.allowed) {
              // None of this operation runs: what it had counted so far does not count.
              await Promise.all(counted.map(() => store.forgive(address)));
              counted = [];
              throw new RateLimitedError(
                `Too many failed sign-ins from this address; retry in ${decision.retryAfterSeconds} s`,
                decision.retryAfterSeconds,
              );
            }
            counted.push(responseKey);
          }
        },
        async willSendResponse({ response }) {
          if (counted.length === 0) return;
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : [];
          const failed = new Set(
            (errors ?? [])
              .filter((error) => error.extensions?.code === 'UNAUTHENTICATED')
              .map((error) => error.path?.[0]),
          );
          const succeeded = counted.filter((responseKey) => !failed.has(responseKey));
          await Promise.all(succeeded.map(() => store.forgive(address)));
        },
      };
    },
  };
}

/** The distinct response keys of the root fields named in `names`, fragments followed. */
function responseKeysOf(
  selectionSet: SelectionSetNode,
  document: DocumentNode,
  names: ReadonlySet<string>,
): string[] {
  const fragments = fragmentsByName(document);
  const keys = new Set<string>();
  const visit = (selections: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        if (names.has(selection.name.value))
          keys.add(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) {
          visit(fragment.selectionSet, new Set([...seen, fragment.name.value]));
        }
      }
    }
  };
  visit(selectionSet, new Set());
  return [...keys];
}
