import pg from 'pg';

/** One statement node-postgres sent: its text and the database it went to. */
export interface SentStatement {
  database: string;
  text: string;
}

/**
 * Records every statement node-postgres sends from this process, from now
 * until `stop()`, with the database it went to (each subgraph has its own,
 * so the database says which subgraph sent it). Spies on the client class,
 * so pools made before or after the spy are both seen.
 */
export function spyOnStatements(): { statements: SentStatement[]; stop: () => void } {
  const statements: SentStatement[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    const { database } = (this as unknown as { connectionParameters: { database: string } })
      .connectionParameters;
    statements.push({ database, text });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  return {
    statements,
    stop: () => {
      pg.Client.prototype.query = original;
    },
  };
}
