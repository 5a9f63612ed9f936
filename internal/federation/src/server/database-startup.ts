import { displayedUrl, StartupError } from '@shop/platform';

/** What failures of a first connection mean to the person starting the service. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there; is the PostgreSQL server running?',
  ENOTFOUND: 'its host is unknown',
  EAI_AGAIN: 'its host could not be looked up',
  ETIMEDOUT: 'the server did not answer in time',
  ECONNRESET: 'the server closed the connection',
  '28P01': 'the password was refused',
  '28000': 'the role may not connect',
  '3D000': 'the database does not exist',
  '42501': 'the role lacks a privilege it needs',
};

/**
 * The start-up problem a failed first contact with a subgraph's database
 * is, as one line naming the subgraph, the variable and the problem (it
 * was `connect ECONNREFUSED 127.0.0.1:5999`, naming neither); undefined for
 * any other failure, which keeps its stack.
 */
export function databaseStartupError(
  subgraph: string,
  databaseUrl: string,
  error: unknown,
): StartupError | undefined {
  const code = (error as { code?: unknown }).code;
  const reason = typeof code === 'string' ? REASONS[code] : undefined;
  if (!reason) return undefined;
  const variable = `DATABASE_URL_${subgraph.toUpperCase()}`;
  return new StartupError(
    `the ${subgraph} subgraph cannot reach its database at ${variable} (${displayedUrl(databaseUrl)}): ${reason}`,
    { cause: error },
  );
}
