import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import type { DeferNode, DeferredNode, PlanNode } from '@apollo/query-planner';
import { AsyncQueue } from '@shop/platform';
import type { CompiledPlan } from './compiled-plan';
import {
  clientLabel,
  deferredFragment,
  withoutDeferred,
  type DeferredFragment,
  type FragmentLocation,
} from './deferred-fragments';
import type { Cursor, ExecutionState } from './execution-state';
import { isObject, type ResponsePath, type ResultObject } from './result-tree';
import type { ResponseShaper } from './response-shaper';

/** One deferred fragment answered at one place of the response (deferSpec=20220824). */
export interface IncrementalResult {
  data: ResultObject | null;
  path: ResponsePath;
  label?: string;
  /** Errors of its fetches and its shaping, and those plugins answer already formatted. */
  errors?: readonly (GraphQLError | GraphQLFormattedError)[];
}

/** A part after the initial one: the fragments one deferred block answered. */
export interface SubsequentPayload {
  incremental?: IncrementalResult[];
  hasNext: boolean;
}

/**
 * Where a request that defers fragments leaves the parts after the initial
 * one: Apollo Server answers one result, the HTTP layer streams the rest.
 * Apollo Server runs a request on a shallow copy of its context, so the
 * parts go in this object both copies share. Only requests over HTTP have one.
 */
export interface IncrementalDeliveryContext {
  readonly deferred?: { payloads?: AsyncIterable<SubsequentPayload> };
}

/** Whether the client takes incremental delivery (Apollo Client sends deferSpec=20220824). */
export function acceptsIncrementalDelivery(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('multipart/mixed');
}

/** A deferred block of the plan, compiled: its fetches, and how to shape its fragment. */
interface DeferredBlock {
  label: string;
  steps: CompiledPlan;
  shaper: ResponseShaper;
  fragment: DeferredFragment;
  /** Blocks deferred inside this one: they start once it is answered. */
  children: DeferredBlock[];
}

/** A plan whose root is a Defer node, compiled for incremental delivery. */
export interface IncrementalPlan {
  primary: CompiledPlan;
  /** Shapes the initial part: the operation without its deferred fragments. */
  initialShaper: ResponseShaper;
  blocks: DeferredBlock[];
  fetches: number;
  calls: number;
}

export interface IncrementalCompiler {
  compile(node: PlanNode | undefined): CompiledPlan;
  shaperOf(document: DocumentNode): ResponseShaper;
  /** The executor's aliases, with the client's names. */
  renamed: ReadonlyMap<string, string> | undefined;
}

/**
 * The plan of a labelled operation (labelDeferredFragments) for incremental
 * delivery, or undefined when its root is not a Defer node (a conditional
 * @defer, an operation run in parts): such plans answer at once.
 */
export function compileIncremental(
  root: PlanNode | undefined,
  document: DocumentNode,
  compiler: IncrementalCompiler,
): IncrementalPlan | undefined {
  if (root?.kind !== 'Defer') return undefined;
  const labels = new Set<string>();
  collectLabels(root, labels);
  if (labels.size === 0) return undefined;
  const compileBlock = (block: DeferredNode): DeferredBlock | undefined => {
    if (!block.label) return undefined;
    const fragment = deferredFragment(document, block.label, labels, compiler.renamed);
    if (!fragment) return undefined;
    const nested: DeferNode | undefined = block.node?.kind === 'Defer' ? block.node : undefined;
    const children = (nested?.deferred ?? []).map(compileBlock);
    if (children.some((child) => !child)) return undefined;
    return {
      label: block.label,
      steps: compiler.compile(nested ? nested.primary.node : block.node),
      shaper: compiler.shaperOf(fragment.document),
      fragment,
      children: children as DeferredBlock[],
    };
  };
  const blocks = root.deferred.map(compileBlock);
  if (blocks.some((block) => !block)) return undefined;
  const primary = compiler.compile(root.primary.node);
  const all = allBlocks(blocks as DeferredBlock[]);
  return {
    primary,
    initialShaper: compiler.shaperOf(withoutDeferred(document, labels)),
    blocks: blocks as DeferredBlock[],
    fetches: all.reduce((sum, block) => sum + block.steps.fetches, primary.fetches),
    calls: all.reduce((sum, block) => sum + block.steps.calls, primary.calls),
  };
}

export interface DeferredRun {
  /** The request's state once the primary fetches have run: the deferred blocks share its tree. */
  state: ExecutionState;
  root: Cursor;
  variables: Record<string, unknown>;
  /** A fetch error as the client sees it (its path with the client's names). */
  clientError(error: GraphQLError): GraphQLError;
}

/**
 * Runs the deferred blocks of a plan whose primary part has run: every
 * block at once, each nested block once its parent is answered, and yields
 * each block's part as soon as its fetches are done. Each block has errors
 * of its own; the tree is shared, so a block's shaping sees what the others
 * merged (its own fields are in it all the same).
 */
export function runDeferredBlocks(
  blocks: readonly DeferredBlock[],
  run: DeferredRun,
): AsyncIterable<SubsequentPayload> {
  const queue = new AsyncQueue<SubsequentPayload>(allBlocks(blocks).length + 1, {
    drop: 'oldest',
  });
  let pending = blocks.length;
  const start = (block: DeferredBlock): void => {
    void answer(block, run).then((incremental) => {
      pending += block.children.length - 1;
      const hasNext = pending > 0;
      if (incremental.length > 0 || !hasNext) {
        queue.push(incremental.length > 0 ? { incremental, hasNext } : { hasNext });
      }
      if (!hasNext) queue.end();
      for (const child of block.children) start(child);
    });
  };
  for (const block of blocks) start(block);
  return queue;
}

async function answer(block: DeferredBlock, run: DeferredRun): Promise<IncrementalResult[]> {
  const state: ExecutionState = { ...run.state, errors: [] };
  try {
    await block.steps.run(state, run.root);
  } catch (error) {
    state.errors.push(error);
  }
  const errors = state.errors.map((error) => run.clientError(asGraphQLError(error)));
  let data: ResultObject | null;
  try {
    const shaped = block.shaper.shape(state.data, run.variables);
    data = shaped.data;
    errors.push(...shaped.errors);
  } catch (error) {
    data = null;
    errors.push(asGraphQLError(error));
  }
  const label = clientLabel(block.label);
  const places = placesOf(data, block.fragment.location, block.fragment.keys);
  const results: IncrementalResult[] = places.map(({ path, value }) => ({
    data: value,
    path,
    ...(label !== undefined ? { label } : {}),
  }));
  if (errors.length === 0) return results;
  if (results.length === 0) {
    // Its place was nulled (or never there): the errors still say why.
    const path = block.fragment.location.flatMap((step) => ('key' in step ? [step.key] : []));
    return [{ data: null, path, ...(label !== undefined ? { label } : {}), errors }];
  }
  for (const error of errors) {
    const owner = results.find((result) => isPrefix(result.path, error.path)) ?? results[0]!;
    owner.errors = [...(owner.errors ?? []), error];
  }
  return results;
}

/**
 * The objects a deferred fragment answered, with their paths: its location
 * walked through the shaped data, every list item in turn. An object
 * without any of the fragment's keys did not match its type condition.
 */
function placesOf(
  data: ResultObject | null,
  location: FragmentLocation,
  keys: ReadonlySet<string>,
): { path: ResponsePath; value: ResultObject }[] {
  let places: { path: ResponsePath; value: unknown }[] = data ? [{ path: [], value: data }] : [];
  for (const step of location) {
    if (!('key' in step)) continue;
    places = places.flatMap(({ path, value }) =>
      isObject(value) && value[step.key] != null
        ? itemsOf([...path, step.key], value[step.key])
        : [],
    );
  }
  return places.filter(
    (place): place is { path: ResponsePath; value: ResultObject } =>
      isObject(place.value) && Object.keys(place.value).some((key) => keys.has(key)),
  );
}

/** A value at a path, or every non-null item of it (lists of lists too) at theirs. */
function itemsOf(path: ResponsePath, value: unknown): { path: ResponsePath; value: unknown }[] {
  if (!Array.isArray(value)) return [{ path, value }];
  return value.flatMap((item: unknown, index) =>
    item == null ? [] : itemsOf([...path, index], item),
  );
}

function isPrefix(prefix: ResponsePath, path: readonly (string | number)[] | undefined): boolean {
  return !!path && prefix.every((element, index) => path[index] === element);
}

function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const message =
    error instanceof Error ? error.message : 'Unexpected error during deferred execution';
  return new GraphQLError(message, { originalError: error instanceof Error ? error : undefined });
}

function collectLabels(node: DeferNode, labels: Set<string>): void {
  for (const block of node.deferred) {
    if (block.label) labels.add(block.label);
    if (block.node?.kind === 'Defer') collectLabels(block.node, labels);
  }
}

function allBlocks(blocks: readonly DeferredBlock[]): DeferredBlock[] {
  return blocks.flatMap((block) => [block, ...allBlocks(block.children)]);
}
