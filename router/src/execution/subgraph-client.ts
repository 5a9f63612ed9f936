import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import { IDENTITY_HEADER } from '@shop/identity';
import { AttemptTimeoutError } from '../resilience/resilience-errors';
import type { AttemptLimits, SubgraphResilience } from '../resilience/subgraph-resilience';
import { postJson, type PostAnswer } from './post-json';
import type { RequestIdentity } from './request-identity';
import { isObject } from './result-tree';
import { httpStatusError, transportError } from './subgraph-errors';
import { REQUEST_ID_HEADER } from '@shop/platform';

export interface SubgraphCall {
  subgraph: string;
  /** The JSON body: `{"query":…,"variables":…,"operationName":…}`. */
  body: string;
  identity: RequestIdentity;
  requestId: string | undefined;
  /** A query call may share the answer of an identical call in flight; a mutation never. */
  shareable: boolean;
  /** A query call may be sent again after a connection error or a 502/503/504; a mutation never. */
  retryable: boolean;
}

export interface SubgraphAnswer {
  body: { data?: unknown; errors?: unknown; extensions?: unknown };
  cacheControl: string | undefined;
}

/** How one HTTP call to a subgraph ended: with a status, or without an answer. */
export type SubgraphCallOutcome = { status: number } | { error: unknown };

/** Measures and traces every HTTP call to a subgraph (router/src/observability). */
export interface SubgraphCallObserver {
  /** A call starts: may add headers (trace context); the answer is called once it has ended. */
  start(subgraph: string, headers: Record<string, string>): (outcome: SubgraphCallOutcome) => void;
}

interface Endpoint {
  url: string;
  origin: string;
  path: string;
}

/**
 * Calls subgraphs over undici's keep-alive pools. Identical query calls in
 * flight at the same time (same subgraph, body and identity) make one HTTP
 * call; every caller parses its own copy of the answer, so no two requests
 * ever share (and mutate) the same objects.
 */
export class SubgraphClient {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly inFlight = new Map<string, Promise<PostAnswer>>();

  constructor(
    subgraphs: readonly { name: string; url: string }[],
    private readonly dispatcher: Dispatcher,
    private readonly deduplicate: boolean,
    /** Timeouts, retries and circuit breakers; without it, one plain attempt per call. */
    private readonly resilience?: SubgraphResilience,
    /** Metrics and a client span per HTTP call (each retry its own). */
    private readonly observer?: SubgraphCallObserver,
  ) {
    for (const { name, url } of subgraphs) {
      const parsed = new URL(url);
      this.endpoints.set(name, {
        url,
        origin: parsed.origin,
        path: parsed.pathname + parsed.search,
      });
    }
  }

  async call(call: SubgraphCall): Promise<SubgraphAnswer> {
    const endpoint = this.endpoints.get(call.subgraph);
    if (!endpoint) throw new Error(`Couldn't find service with name "${call.subgraph}"`);
    const raw = await (call.shareable && this.deduplicate
      ? this.shared(endpoint, call)
      : this.exchange(endpoint, call));
    return { body: parseAnswer(raw, endpoint.url), cacheControl: raw.cacheControl };
  }

  private shared(endpoint: Endpoint, call: SubgraphCall): Promise<PostAnswer> {
    const key = `${call.subgraph}\n${call.identity.key}\n${call.body}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.exchange(endpoint, call).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private exchange(endpoint: Endpoint, call: SubgraphCall): Promise<PostAnswer> {
    if (!this.resilience) return this.send(endpoint, call);
    return this.resilience.run(call, (limits) => this.send(endpoint, call, limits));
  }

  private async send(
    endpoint: Endpoint,
    call: SubgraphCall,
    limits?: AttemptLimits,
  ): Promise<PostAnswer> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      // Asked at every attempt: a retry long after the first one leaves with a fresh header.
      [IDENTITY_HEADER]: call.identity.headerFor(call.subgraph),
    };
    if (call.requestId) headers[REQUEST_ID_HEADER] = call.requestId;
    const ended = this.observer?.start(call.subgraph, headers);
    try {
      const answer = await postJson(this.dispatcher, {
        origin: endpoint.origin,
        path: endpoint.path,
        headers,
        body: call.body,
        // The call's deadline replaces the pools' own timers.
        timeoutMs: limits?.timeoutMs,
      });
      ended?.({ status: answer.status });
      return answer;
    } catch (error) {
      ended?.({ error });
      throw error instanceof AttemptTimeoutError ? error : transportError(error);
    }
  }
}

/** Reads an answer as RemoteGraphQLDataSource does, with its errors for bad statuses and bodies. */
function parseAnswer(raw: PostAnswer, url: string): SubgraphAnswer['body'] {
  const isJson =
    raw.contentType !== undefined &&
    (raw.contentType.startsWith('application/json') ||
      raw.contentType.startsWith('application/graphql-response+json'));
  const body: unknown = isJson ? JSON.parse(raw.text) : raw.text;
  if (raw.status < 200 || raw.status > 299) {
    throw httpStatusError(url, raw.status, STATUS_CODES[raw.status] ?? '', body);
  }
  if (!isObject(body))
    throw new Error(`Expected JSON response body, but received: ${String(body)}`);
  return body;
}
