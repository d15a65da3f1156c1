import { defineConfig } from 'vitest/config';

// One runner for the whole workspace. Integration tests open real PTYs (socat) and TCP sockets, so they run in
// forked processes (native serialport binding) with generous timeouts; no test asserts on elapsed time.
export default defineConfig({
  test: {
    include: ['{protocol,simulators,device-bridge,kiosk-ui}/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
