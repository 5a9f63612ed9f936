import type { GraphQLSchema } from 'graphql';
import type { SupergraphState } from './supergraph-state';

export type SwapListener = (next: SupergraphState, previous: SupergraphState) => void;

/**
 * The one reference to the supergraph the router serves. A swap replaces it
 * in one step, and every listener (Apollo Server, the subscriptions,
 * /metrics) hears of it in the same tick, before any other request starts.
 */
export class CurrentSupergraph {
  private state: SupergraphState;
  /**
   * Apollo Server holds on to the schema a request started with, and
   * validates and executes it against that one: the state of the request is
   * the one of its schema. Weak: a state goes once its last request has.
   */
  private readonly bySchema = new WeakMap<GraphQLSchema, SupergraphState>();
  private readonly listeners = new Set<SwapListener>();

  constructor(initial: SupergraphState) {
    this.state = initial;
    this.bySchema.set(initial.schema, initial);
  }

  get current(): SupergraphState {
    return this.state;
  }

  /** The state a request validated against `schema` runs on. */
  stateOf(schema: GraphQLSchema): SupergraphState {
    const state = this.bySchema.get(schema);
    if (!state) throw new Error('A request ran on a schema no supergraph state was built with');
    return state;
  }

  onSwap(listener: SwapListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  swap(next: SupergraphState): void {
    const previous = this.state;
    this.bySchema.set(next.schema, next);
    this.state = next;
    for (const listener of this.listeners) listener(next, previous);
    // Requests under way keep its executor; only the gateway's loading ends.
    void previous.retire();
  }
}
