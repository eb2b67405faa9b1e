import { defineConfig } from 'vitest/config';

// The dev server proxies the API to a `quarterhour serve` on port 8080.
const backend = process.env.QH_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': backend,
      '/tiles': backend,
      '/healthz': backend,
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});
