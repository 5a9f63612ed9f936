import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { SiteFile } from './site-files';

/**
 * A browser opening /graphql gets the bundled GraphiQL (the /graphiql page),
 * which works without the internet; Apollo's default landing page embeds
 * Sandbox from Apollo's site and shows nothing offline. The page links to
 * Sandbox for those online.
 */
export function graphiqlLandingPagePlugin<Context extends BaseContext>(
  page: SiteFile,
): ApolloServerPlugin<Context> {
  const html = page.body.toString('utf8');
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}
