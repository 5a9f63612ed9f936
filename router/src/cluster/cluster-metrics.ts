import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { MetricsSource } from '@shop/platform';

const ASKED = 'router:metrics-asked';
const ANSWERED = 'router:metrics-answered';

interface Asked {
  type: typeof ASKED;
  id: number;
}
interface Answered {
  type: typeof ANSWERED;
  id: number;
  text?: string;
  error?: string;
}

const isMessage = <T extends { type: string }>(type: T['type'], message: unknown): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/**
 * A worker's /metrics: the whole router's series, every worker's summed by
 * the primary (prom-client's cluster aggregation: counters and histograms
 * added, each gauge as its `aggregator` says), whichever worker the scrape
 * reached. The primary's own small process is not in them.
 */
export function workersMetrics(registry: Registry): MetricsSource {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one is what makes this worker answer the primary's requests for its series.
  new AggregatorRegistry();
  const waiting = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  let nextId = 0;
  process.on('message', (message) => {
    if (!isMessage<Answered>(ANSWERED, message)) return;
    const asker = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.text !== undefined) asker?.resolve(message.text);
    else asker?.reject(new Error(`metrics of the router's workers: ${message.error}`));
  });
  return {
    contentType: registry.contentType,
    metrics: () =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        process.send?.({ type: ASKED, id } satisfies Asked);
      }),
  };
}

/** The primary's side of workersMetrics: each worker's question answered with every worker's series. */
export function answerWorkersMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<Asked>(ASKED, message)) return;
    const answer = (fields: Pick<Answered, 'text' | 'error'>) => {
      if (worker.isConnected()) worker.send({ type: ANSWERED, id: message.id, ...fields });
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (error: Error) => answer({ error: error.message }),
    );
  });
}
