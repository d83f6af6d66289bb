import { defineConfig } from 'vitest/config';
import { usableCores } from './src/engine/cores.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default is os.availableParallelism(), which ignores a cgroup CPU quota: a CI pod limited
    // to 1 CPU on a 2-core node would run 2 test files at once (and each file's CLI children on top)
    maxWorkers: usableCores(),
    reporters: ['default', './test/plainSummary.ts'],
  },
});
