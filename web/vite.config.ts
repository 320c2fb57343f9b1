/**
 * Vite multi-page build: `/` (citizen map, index.html) and `/control` (control room,
 * control.html). Output goes to dist/web at the project root with hashed files under /assets/,
 * which is exactly what api/src/web.routes.ts serves. The dev server proxies the API to a running
 * platform (`npm start`, port 8080 unless API_ORIGIN says otherwise).
 */
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

const webRoot = import.meta.dirname;
const apiOrigin = process.env.API_ORIGIN ?? 'http://localhost:8080';

export default defineConfig({
  root: webRoot,
  base: '/',
  // web/public: files served at stable, unhashed URLs (the crew service worker, manifest, icons).
  publicDir: resolve(webRoot, 'public'),
  // Vite's own HTML rewriting keeps scripts external: the CSP allows script-src 'self' only.
  build: {
    outDir: resolve(webRoot, '..', 'dist', 'web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // maplibre-gl and deck.gl are big on their own; the warning would only be noise.
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        index: resolve(webRoot, 'index.html'),
        control: resolve(webRoot, 'control.html'),
        crew: resolve(webRoot, 'crew.html'),
      },
      output: {
        // Named vendor chunks: shared by both pages and cached across app releases.
        manualChunks(id: string) {
          if (id.includes('node_modules/maplibre-gl')) return 'maplibre';
          if (id.includes('node_modules/@deck.gl') || id.includes('node_modules/@luma.gl') || id.includes('node_modules/@math.gl') || id.includes('node_modules/@loaders.gl')) return 'deckgl';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': apiOrigin,
      '/tiles': apiOrigin,
      '/ogc': apiOrigin,
    },
  },
});
