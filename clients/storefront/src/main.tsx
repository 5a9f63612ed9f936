import { ApolloProvider } from '@apollo/client';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApolloClient } from './apollo';
import { App } from './App';
import { SessionProvider } from './session';
import './styles.css';

const client = createApolloClient();
// Another shopper's cart and orders must not linger in the cache after a sign-in or out.
const resetCache = () => void client.resetStore();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <SessionProvider onChange={resetCache}>
        <App />
      </SessionProvider>
    </ApolloProvider>
  </StrictMode>,
);
