import type { FetchNode, PlanNode } from '@apollo/query-planner';

/** A Condition node a fetch sits under: it runs only when `variable` is `expected`. */
export interface FetchCondition {
  variable: string;
  expected: boolean;
}

/** A Fetch node of a plan, where it reads the result tree and when it may run. */
export interface ScheduledFetch {
  node: FetchNode;
  /** The paths of the Flatten nodes around it, outermost first. */
  flattens: string[][];
  conditions: FetchCondition[];
  /** 0 for the fetches that wait for none, else one more than the latest it waits for. */
  level: number;
}

/** Fetches that run together: by level, and within a level by subgraph (in plan order). */
export type FetchSchedule = ScheduledFetch[][][];

/** The plan uses a node this schedule does not run (Defer: its parts are scheduled each). */
export class UnschedulablePlanError extends Error {}

interface Placed extends ScheduledFetch {
  /** Whether a fetch after it in a Sequence waits for it. */
  awaited: boolean;
}

/**
 * Turns a plan's tree into levels of fetches, so that fetches to one
 * subgraph that can run at the same moment share one call (TestQuery of the
 * gateway benchmark: 16 fetches in 6 calls). A fetch waits for every fetch
 * of the Sequence steps before its own, as the plan orders them, and runs at
 * the first level after them. A fetch nothing waits for may run later
 * without delaying anything: it joins the first later level that already
 * calls its subgraph, or, when none does, the latest level of the other
 * such fetches to that subgraph, so they go together. The number of levels
 * — the plan's depth in round trips — never grows.
 */
export function scheduleFetches(root: PlanNode): FetchSchedule {
  const placed: Placed[] = [];

  /** Places a node's fetches after `after`; returns them (the node's own fetches). */
  const place = (
    node: PlanNode,
    after: Placed[],
    flattens: string[][],
    conditions: FetchCondition[],
  ): Placed[] => {
    switch (node.kind) {
      case 'Fetch': {
        for (const awaited of after) awaited.awaited = true;
        const level = after.reduce((latest, fetch) => Math.max(latest, fetch.level + 1), 0);
        const fetch: Placed = { node, flattens, conditions, level, awaited: false };
        placed.push(fetch);
        return [fetch];
      }
      case 'Sequence': {
        const own: Placed[] = [];
        let previous = after;
        for (const child of node.nodes) {
          const fetches = place(child, previous, flattens, conditions);
          if (fetches.length > 0) previous = fetches;
          own.push(...fetches);
        }
        return own;
      }
      case 'Parallel':
        return node.nodes.flatMap((child) => place(child, after, flattens, conditions));
      case 'Flatten':
        return place(node.node, after, [...flattens, node.path.map(String)], conditions);
      case 'Condition': {
        const { condition: variable } = node;
        return [
          ...(node.ifClause
            ? place(node.ifClause, after, flattens, [...conditions, { variable, expected: true }])
            : []),
          ...(node.elseClause
            ? place(node.elseClause, after, flattens, [
                ...conditions,
                { variable, expected: false },
              ])
            : []),
        ];
      }
      default:
        throw new UnschedulablePlanError(node.kind);
    }
  };
  place(root, [], [], []);
  postponeUnawaited(placed);

  const levels: FetchSchedule = [];
  for (const fetch of placed) {
    const level = (levels[fetch.level] ??= []);
    const scheduled: ScheduledFetch = {
      node: fetch.node,
      flattens: fetch.flattens,
      conditions: fetch.conditions,
      level: fetch.level,
    };
    const group = level.find(
      (candidates) => candidates[0]!.node.serviceName === fetch.node.serviceName,
    );
    if (group) group.push(scheduled);
    else level.push([scheduled]);
  }
  return levels.filter((level) => level !== undefined);
}

/** Moves each fetch nothing waits for to the level where its subgraph is called anyway. */
function postponeUnawaited(placed: Placed[]): void {
  const bySubgraph = new Map<string, Placed[]>();
  for (const fetch of placed) {
    const fetches = bySubgraph.get(fetch.node.serviceName) ?? [];
    fetches.push(fetch);
    bySubgraph.set(fetch.node.serviceName, fetches);
  }
  for (const fetches of bySubgraph.values()) {
    const pinned = [...new Set(fetches.filter((f) => f.awaited).map((f) => f.level))].sort(
      (a, b) => a - b,
    );
    const free = fetches.filter((fetch) => !fetch.awaited);
    const unpinned: Placed[] = [];
    for (const fetch of free) {
      const joins = pinned.find((level) => level >= fetch.level);
      if (joins === undefined) unpinned.push(fetch);
      else fetch.level = joins;
    }
    const latest = Math.max(...unpinned.map((fetch) => fetch.level));
    for (const fetch of unpinned) fetch.level = latest;
  }
}
