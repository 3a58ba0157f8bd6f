import { defineNode, double, mapSafe, ValidationError } from '../../src/index.js';

/** A tiny node for runtime tests: publishes gain × the string length of each input as a Twist x. */
export const doublerNode = defineNode({
  exec: 'doubler',
  description: 'publishes gain × string length as Twist.linear.x',
  parameters: {
    gain: double(2, { min: 0, max: 10, description: 'multiplier' }),
    'limits.max_x': double(1000, { min: 0, description: 'outputs are clamped to this' }),
  },
  inputs: [{ topic: 'in', type: 'std_msgs/msg/String' }],
  outputs: [{ topic: 'out', type: 'geometry_msgs/msg/Twist' }],
  configure(ctx) {
    const out = ctx.advertise('out', 'geometry_msgs/msg/Twist');
    return {
      activate: () =>
        ctx
          .subscribe('in', 'std_msgs/msg/String')
          .pipe(
            mapSafe(ctx, 'in', (m) => {
              if (m.data === 'bad') throw new ValidationError('bad input', { context: { topic: 'in' } });
              return Math.min(m.data.length * ctx.params.gain, ctx.params['limits.max_x']);
            }),
          )
          .subscribe((x) => {
            ctx.diagnostics.stage('double', 0.25, ctx.clock.now());
            ctx.diagnostics.count('messages');
            ctx.diagnostics.gauge('last_x', x);
            out.publish({ linear: { x, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
          }),
    };
  },
});
