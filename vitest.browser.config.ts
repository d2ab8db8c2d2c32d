import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the tests that need Debian's Chromium, fonts-noto-cjk and poppler-utils: the
 * credit notice PDF, and the stories walked in the browser against the real server.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // One browser at a time: the machine is small, and the stories each start a server.
    fileParallelism: false,
  },
});
