import { existsSync } from 'node:fs';
import path from 'node:path';
import { sendGraphQLError, type Logger, type RouteHandler } from '@shop/platform';
import type { RouterConfig } from '../config';
import { loadSiteFiles } from './site-files';
import { sendFile, serveSite } from './serve-site';

const APP_SHELL = '/index.html';
const GRAPHIQL_PAGE = '/graphiql.html';

export interface StorefrontRoutes {
  /** Exact routes to add to the router's (/graphiql). */
  routes: Record<string, RouteHandler>;
  /** Everything else no route names: the storefront's files and client routes. */
  fallback?: RouteHandler;
}

const graphiqlDisabled: RouteHandler = (_req, res) =>
  sendGraphQLError(res, 404, 'GraphiQL is disabled', 'NOT_FOUND');

/**
 * The built storefront (clients/storefront/dist, `npm run build` makes it) at
 * /, and its GraphiQL page at /graphiql while config.storefront.graphiql
 * allows (like introspection, off in production unless asked for).
 */
export async function storefrontRoutes(
  config: RouterConfig['storefront'],
  log: Logger,
): Promise<StorefrontRoutes> {
  if (!config.dir) return { routes: { '/graphiql': graphiqlDisabled } };
  if (!existsSync(path.join(config.dir, APP_SHELL.slice(1)))) {
    log.warn({ dir: config.dir }, 'storefront not built: / and /graphiql serve nothing');
    return { routes: { '/graphiql': graphiqlDisabled } };
  }
  const files = await loadSiteFiles(config.dir);
  const graphiql = files.get(GRAPHIQL_PAGE);
  return {
    routes: {
      '/graphiql':
        config.graphiql && graphiql ? (req, res) => sendFile(req, res, graphiql) : graphiqlDisabled,
    },
    fallback: serveSite(files, { appShell: APP_SHELL, hidden: [GRAPHIQL_PAGE] }),
  };
}
