import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { signedForSubgraphAt } from './identities';

export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number;
  contentType: string | null;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  body: unknown;
}

/**
 * POSTs one GraphQL operation and returns the status with the parsed body.
 * Given a typed document (clients/generated), data and variables are typed.
 * An identity from identityHeaders without an audience is signed for the
 * subgraph at `url`.
 */
export async function graphqlRequest<
  Data = Record<string, unknown>,
  Variables = Record<string, unknown>,
>(
  url: string,
  query: string | TypedDocumentNode<Data, Variables>,
  variables?: Variables,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(await signedForSubgraphAt(url, headers)),
    },
    body: JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the assertion message
  }
  const parsed = (typeof body === 'object' && body !== null ? body : {}) as Pick<
    GraphQLResponse<Data>,
    'data' | 'errors'
  >;
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    data: parsed.data,
    errors: parsed.errors,
    body,
  };
}

/** The extensions.code of every error of a response, in order. */
export function errorCodes(response: { errors?: { extensions?: Record<string, unknown> }[] }) {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}
