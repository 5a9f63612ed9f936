import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  PLACEHOLDER_IMAGE_PATH,
  sendGraphQLError,
  type Logger,
  type RouteHandler,
} from '@shop/platform';
import type { StorefrontSettings } from './storefront.settings';
import { servePlaceholderImage } from './placeholder-images';
import { loadSiteFiles, type SiteFile } from './site-files';
import { sendFile, serveSite } from './serve-site';

const APP_SHELL = '/index.html';
const GRAPHIQL_PAGE = '/graphiql.html';

export interface StorefrontRoutes {
  /** Exact routes to add to the router's (/graphiql, the placeholder images). */
  routes: Record<string, RouteHandler>;
  /** The GraphiQL page, when it is served: also what a browser opening /graphql gets. */
  graphiqlPage?: SiteFile;
  /** Everything else no route names: the storefront's files and client routes. */
  fallback?: RouteHandler;
}

const graphiqlDisabled: RouteHandler = (_req, res) =>
  sendGraphQLError(res, 404, 'GraphiQL is disabled', 'NOT_FOUND');

/**
 * The built storefront (clients/storefront/dist, `npm run build` makes it) at
 * /, its GraphiQL page at /graphiql while config.storefront.graphiql allows
 * (like introspection, off in production unless asked for), and the
 * products' placeholder illustrations, which need no build.
 */
export async function storefrontRoutes(
  config: StorefrontSettings,
  log: Logger,
): Promise<StorefrontRoutes> {
  const unbuilt = {
    routes: { '/graphiql': graphiqlDisabled, [PLACEHOLDER_IMAGE_PATH]: servePlaceholderImage },
  };
  if (!config.dir) return unbuilt;
  if (!existsSync(path.join(config.dir, APP_SHELL.slice(1)))) {
    log.warn({ dir: config.dir }, 'storefront not built: / and /graphiql serve nothing');
    return unbuilt;
  }
  const files = await loadSiteFiles(config.dir);
  const graphiql = config.graphiql ? files.get(GRAPHIQL_PAGE) : undefined;
  return {
    routes: {
      '/graphiql': graphiql ? (req, res) => sendFile(req, res, graphiql) : graphiqlDisabled,
      [PLACEHOLDER_IMAGE_PATH]: servePlaceholderImage,
    },
    graphiqlPage: graphiql,
    fallback: serveSite(files, { appShell: APP_SHELL, hidden: [GRAPHIQL_PAGE] }),
  };
}
