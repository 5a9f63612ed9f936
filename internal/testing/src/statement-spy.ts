import pg from 'pg';

/** One statement node-postgres sent: its text and the database it went to. */
export interface SentStatement {
  database: string;
  text: string;
}

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

/**
 * Puts `wrapper` in front of every statement node-postgres sends from this
 * process (on the client class, so pools made before or after are both
 * seen), with the statement's text; answers the undo.
 */
function wrapQueries(
  wrapper: (client: pg.Client, text: string, args: unknown[], send: Query) => unknown,
): () => void {
  const original = pg.Client.prototype.query as unknown as Query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    return wrapper(this, text, args, original);
  } as unknown as typeof pg.Client.prototype.query;
  return () => {
    pg.Client.prototype.query = original as unknown as typeof pg.Client.prototype.query;
  };
}

/**
 * Records every statement node-postgres sends from this process, from now
 * until `stop()`, with the database it went to (each subgraph has its own,
 * so the database says which subgraph sent it).
 */
export function spyOnStatements(): { statements: SentStatement[]; stop: () => void } {
  const statements: SentStatement[] = [];
  const stop = wrapQueries((client, text, args, send) => {
    const { database } = (client as unknown as { connectionParameters: { database: string } })
      .connectionParameters;
    statements.push({ database, text });
    return send.apply(client, args);
  });
  return { statements, stop };
}

/**
 * Hands `wrapper` the arguments of the first statement whose text matches
 * `pattern`, and how to send it; every other statement is sent as it is.
 * Prisma's adapter passes node-postgres a callback, or awaits the answer
 * (in a transaction), so the last argument may be a callback. Answers the
 * undo.
 */
function wrapFirstMatching(
  pattern: RegExp,
  wrapper: (args: unknown[], send: (args: unknown[]) => unknown) => unknown,
): () => void {
  let done = false;
  return wrapQueries((client, text, args, send) => {
    if (done || !pattern.test(text)) return send.apply(client, args);
    done = true;
    return wrapper(args, (sent) => send.apply(client, sent));
  });
}

/**
 * Runs `meanwhile` once, right after the first statement whose text matches
 * `pattern` has answered and before its answer goes back to the caller (a
 * commit landing between two statements of one request, every time);
 * answers the undo.
 */
export function afterStatement(pattern: RegExp, meanwhile: () => Promise<unknown>): () => void {
  return wrapFirstMatching(pattern, (args, send) => {
    const callback = args.at(-1);
    if (typeof callback !== 'function') {
      return (send(args) as Promise<unknown>).then(async (result) => {
        await meanwhile();
        return result;
      });
    }
    const answer = (...results: unknown[]) =>
      void meanwhile().then(
        () => callback(...results),
        (error: unknown) => callback(error),
      );
    return send([...args.slice(0, -1), answer]);
  });
}

/**
 * Runs `meanwhile` once, right before the first statement whose text matches
 * `pattern` is sent (a commit landing just before a request's later
 * statement, every time, even when its statements run side by side);
 * answers the undo.
 */
export function beforeStatement(pattern: RegExp, meanwhile: () => Promise<unknown>): () => void {
  return wrapFirstMatching(pattern, (args, send) => {
    const callback = args.at(-1);
    if (typeof callback !== 'function') return meanwhile().then(() => send(args));
    void meanwhile().then(
      () => send(args),
      (error: unknown) => callback(error),
    );
    return undefined;
  });
}
