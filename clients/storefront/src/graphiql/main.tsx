// The explorer at /graphiql (and at /graphql for a browser): GraphiQL bundled
// from npm (no CDN), talking to the router that served it, subscriptions over
// graphql-ws on the same path. Apollo Sandbox is a link for those online: it
// is loaded from Apollo's site, so it cannot be the default.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const url = new URL('/graphql', window.location.href);
const subscriptionUrl = new URL(url);
subscriptionUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

const fetcher = createGraphiQLFetcher({
  url: url.toString(),
  subscriptionUrl: subscriptionUrl.toString(),
});

const defaultQuery = `# Ctrl-Enter runs the operation. Signed-in operations need
# {"authorization": "Bearer <accessToken>"} under Headers (also sent on subscriptions).
query FirstProducts {
  products(first: 3) {
    edges { node { id name price { amount currency } inventory { available inStock } } }
  }
}
`;

const sandbox = new URL('https://studio.apollographql.com/sandbox/explorer');
sandbox.searchParams.set('endpoint', url.toString());

// A link can carry the operation to open: /graphiql?query=...
const linkedQuery = new URLSearchParams(window.location.search).get('query') ?? undefined;

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} query={linkedQuery}>
      <GraphiQL.Logo>
        GraphiQL{' '}
        <a
          href={sandbox.toString()}
          target="_blank"
          rel="noreferrer"
          style={{ fontSize: '0.6em', fontWeight: 'normal' }}
        >
          Open in Apollo Sandbox (online)
        </a>
      </GraphiQL.Logo>
    </GraphiQL>
  </StrictMode>,
);
