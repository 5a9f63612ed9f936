import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import {
  ANONYMOUS,
  InvalidAccessTokenError,
  type AccessTokenVerifier,
  type Identity,
} from '@shop/identity';

export interface Authentication {
  identity: Identity;
  /** When the access token stops being valid; subscriptions re-check it. */
  expiresAt?: Date;
}

/**
 * The caller's identity from `Authorization: Bearer <access token>`. No
 * header is an anonymous caller; a header that does not verify is refused
 * outright (401), never downgraded to anonymous, so a client learns its token
 * is bad instead of seeing less data.
 */
export async function authenticate(
  authorization: string | undefined,
  verifier: AccessTokenVerifier,
): Promise<Authentication> {
  if (!authorization) return { identity: ANONYMOUS };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <access token>"');
  try {
    return await verifier.verify(match[1]!);
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) {
      throw unauthenticated(
        error.expired ? 'The access token has expired' : 'The access token is invalid',
      );
    }
    throw error;
  }
}

export function authorizationOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return Array.isArray(header) ? header[0] : header;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}
