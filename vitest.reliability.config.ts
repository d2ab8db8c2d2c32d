import { defineConfig } from 'vitest/config';

/** `npm run test:reliability`: generated bodies, the role matrices, crashes, races and backups (slower; not in `npm test`). */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // The crash, race and backup tests run servers of their own; one file at a time keeps them apart on 2 cores.
    fileParallelism: false,
  },
});
