import { defineConfig } from 'vitest/config';

// The soak test (`npm run test:soak`): one hour of simulated time through the whole stack. Kept out of
// `npm test` (vitest.config.ts excludes test/soak). --expose-gc so heap samples are taken after a full GC.
export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts'],
    testTimeout: 4 * 3600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    execArgv: ['--expose-gc'],
    reporters: ['default'],
  },
});
