import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: the tests that need Debian's Chromium, fonts-noto-cjk and poppler-utils. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
