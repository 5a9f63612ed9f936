import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogEvents, wiredConsumers } from './support/event-wiring';

const root = join(__dirname, '..', '..');
const TABLE_HEADING = '### Every event, its publisher and its consumers';

interface DocumentedEvent {
  stream: string;
  groups: string[];
}

/** The event table of docs/architecture.md: per event, its stream and the consumer groups it names in bold. */
function documentedEvents(): Map<string, DocumentedEvent> {
  const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  const start = doc.indexOf(TABLE_HEADING);
  if (start < 0) throw new Error(`docs/architecture.md has no "${TABLE_HEADING}"`);
  const rows = doc
    .slice(start)
    .split('\n')
    .filter((line) => /^\| `\w+`/.test(line));
  return new Map(
    rows.map((row): [string, DocumentedEvent] => {
      const [event = '', stream = '', consumers = ''] = row
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim());
      return [
        event.replace(/`/g, ''),
        {
          stream: stream.replace(/`/g, ''),
          groups: [...consumers.matchAll(/\*\*([\w-]+)\*\*/g)]
            .map((match) => match[1] ?? '')
            .sort(),
        },
      ];
    }),
  );
}

describe("docs/architecture.md's event table", () => {
  const catalog = catalogEvents(join(root, 'internal', 'events', 'src', 'catalog.ts'));
  const consumers = wiredConsumers(join(root, 'subgraphs'), root);
  const documented = documentedEvents();

  it('has one row per event type of the catalog, on its stream', () => {
    expect([...documented.keys()].sort()).toEqual([...catalog.keys()].sort());
    for (const [event, stream] of catalog)
      expect({ event, stream: documented.get(event)?.stream }).toEqual({ event, stream });
  });

  it('names, for every event, exactly the consumer groups the code wires to it', () => {
    expect(consumers.length).toBeGreaterThan(0);
    const wired = new Map<string, Set<string>>();
    for (const consumer of consumers) {
      for (const type of consumer.types) {
        expect({ at: consumer.at, type, stream: catalog.get(type) }).toEqual({
          at: consumer.at,
          type,
          stream: consumer.stream,
        });
        const groups = wired.get(type) ?? new Set<string>();
        groups.add(consumer.group);
        wired.set(type, groups);
      }
    }
    for (const [event, { groups }] of documented) {
      expect({ event, groups }).toEqual({ event, groups: [...(wired.get(event) ?? [])].sort() });
    }
  });
});
