import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, not the built dist/ folders.
    alias: {
      '@mailconf/syntax': pkg('syntax'),
      '@mailconf/schema': pkg('schema'),
      '@mailconf/checker': pkg('checker'),
      '@mailconf/format': pkg('format'),
      '@mailconf/runtime': pkg('runtime'),
      '@mailconf/lsp': pkg('lsp'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'extension/test/**/*.test.ts', 'grammars/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 60000,
  },
});
