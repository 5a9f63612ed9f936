// Builds two pages into dist/: the storefront (index.html, served at / with
// every client route falling back to it) and the offline GraphiQL explorer
// (graphiql.html, served at /graphiql). The router serves dist/ itself.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The bundles are served from this machine, never a CDN; the size warning only adds noise.
    chunkSizeWarningLimit: 2_000,
    rollupOptions: {
      input: { storefront: page('index.html'), graphiql: page('graphiql.html') },
      onwarn(warning, warn) {
        // React's compiler runtime (in GraphiQL) opens with "use no memo", meant for that compiler only.
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
