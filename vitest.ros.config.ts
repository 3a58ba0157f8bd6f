import { defineConfig } from 'vitest/config';

// Tests against real ROS 2 (rclnodejs): `npm run test:ros` in a shell where ROS 2 is sourced.
// Without ROS_DISTRO they report "skipped: ROS 2 is not sourced" and are marked skipped.
export default defineConfig({
  test: {
    include: ['test/ros/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
