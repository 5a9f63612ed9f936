export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number;
  contentType: string | null;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  body: unknown;
}

/** POSTs one GraphQL operation and returns the status with the parsed body. */
export async function graphqlRequest<Data = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
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
