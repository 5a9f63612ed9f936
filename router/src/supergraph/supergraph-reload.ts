import type { Logger } from '@shop/platform';
import type { CurrentSupergraph } from './current-supergraph';
import type { SupergraphMetrics } from './supergraph-metrics';
import type { SupergraphSource } from './supergraph-source';
import { SupergraphRejectedError, type SupergraphState } from './supergraph-state';

export interface SupergraphReloadOptions {
  source: SupergraphSource;
  /** The text the current state was built from: the same text again is no change. */
  servedSdl: string;
  supergraph: CurrentSupergraph;
  /** The same build the router started with (buildSupergraphState). */
  build(supergraphSdl: string): Promise<SupergraphState>;
  metrics: SupergraphMetrics;
  log: Logger;
}

export interface SupergraphReload {
  /** Looks at the source now (what the watch does on a change). */
  check(): void;
  /** Resolves once no reload is under way. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Watches the source and swaps in each new supergraph the router can serve;
 * refuses any other with one log line, the current one serving on. One
 * reload at a time: changes that arrive meanwhile make one more look at the
 * source once it is done, at whatever it holds by then.
 */
export function startSupergraphReload(options: SupergraphReloadOptions): SupergraphReload {
  const { source, supergraph, metrics } = options;
  const log = options.log.child({ component: 'supergraph', location: source.location });
  let lastSeen = options.servedSdl;
  // A source that cannot be read says so once, not at every poll.
  let lastReadFailure: string | undefined;
  let wanted = false;
  let stopped = false;
  let running: Promise<void> | undefined;

  const refuse = (reason: string) => {
    metrics.refused();
    log.error(
      { reason, servingHash: supergraph.current.hash },
      'supergraph refused; the current one keeps serving',
    );
  };

  const reloadOnce = async () => {
    let text: string;
    try {
      text = await source.read();
      lastReadFailure = undefined;
    } catch (error) {
      const reason = `could not read the supergraph: ${(error as Error).message}`;
      if (reason !== lastReadFailure) refuse(reason);
      lastReadFailure = reason;
      return;
    }
    // A file truncated to be written again (`>`, writeFileSync) reads empty until its writer is
    // done, and the write's own change brings another look: not a supergraph to refuse.
    if (text.trim() === '' || text === lastSeen || stopped) return;
    lastSeen = text;
    let state: SupergraphState;
    try {
      state = await options.build(text);
    } catch (error) {
      if (!(error instanceof SupergraphRejectedError)) throw error;
      refuse(error.reason);
      return;
    }
    const previousHash = supergraph.current.hash;
    // Only spacing or comments changed: the state in use is as good.
    if (stopped || state.hash === previousHash) {
      await state.retire();
      return;
    }
    supergraph.swap(state);
    metrics.applied(state.hash);
    log.info({ hash: state.hash, previousHash }, 'supergraph reloaded');
  };

  const drain = async () => {
    try {
      while (wanted && !stopped) {
        wanted = false;
        await reloadOnce();
      }
    } finally {
      running = undefined;
    }
  };
  const check = () => {
    wanted = true;
    running ??= drain().catch((error: unknown) =>
      log.error({ err: error }, 'supergraph reload failed'),
    );
  };
  const stopWatching = source.watch(check);

  return {
    check,
    settled: async () => {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      stopWatching();
      await running;
    },
  };
}
