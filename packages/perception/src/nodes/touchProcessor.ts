import { defineNode, diffSec, double, mapSafe, SensorDataQoS, ValidationError, type Time } from '@sensorium/core';
import { TouchProcessor } from '../touch/TouchProcessor.js';

/**
 * `touch_processor`: TactileArray → contacts, pressure centroid and bump (same tick) on
 * `perception/touch/contacts`, and one feature token on `perception/touch/tokens`.
 */
export const touchProcessor = defineNode({
  exec: 'touch_processor',
  description: 'Tactile skin: contacts, pressure centroid, bump events, touch token',
  parameters: {
    contact_threshold: double(0.15, { min: 0, max: 1e6, description: 'pressure above baseline that counts as contact (sensor units)' }),
    baseline_tau_sec: double(2, { min: 0, max: 3600, description: 'baseline time constant while not in contact, s; 0 = baseline fixed at 0' }),
    bump_rate: double(50, { min: 0, max: 1e9, description: 'total pressure rise rate that counts as a bump, units/s' }),
  },
  inputs: [{ topic: 'touch/tactile', type: 'sensorium_msgs/msg/TactileArray', qos: 'sensor' }],
  outputs: [
    { topic: 'perception/touch/contacts', type: 'sensorium_msgs/msg/TouchContacts', qos: 'sensor' },
    { topic: 'perception/touch/tokens', type: 'sensorium_msgs/msg/FeatureTokens', qos: 'sensor' },
  ],
  configure(ctx) {
    const touch = new TouchProcessor({ contactThreshold: ctx.params.contact_threshold, baselineTauSec: ctx.params.baseline_tau_sec, bumpRate: ctx.params.bump_rate });
    let last: Time | undefined;
    return {
      activate() {
        const contacts = ctx.advertise('perception/touch/contacts', 'sensorium_msgs/msg/TouchContacts', SensorDataQoS);
        const tokens = ctx.advertise('perception/touch/tokens', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS);
        return ctx
          .subscribe('touch/tactile', 'sensorium_msgs/msg/TactileArray', SensorDataQoS)
          .pipe(
            mapSafe(ctx, 'touch/tactile', (msg) => {
              const t0 = performance.now();
              if (msg.positions.length !== 0 && msg.positions.length !== msg.pressures.length * 3) {
                throw new ValidationError('taxel positions do not match pressures', { context: { field: 'positions', expected: `${msg.pressures.length * 3} floats`, actual: String(msg.positions.length) } });
              }
              const dt = last === undefined ? 0.02 : Math.max(0, diffSec(msg.header.stamp, last));
              last = msg.header.stamp;
              const r = touch.process(msg.pressures, msg.positions, dt);
              contacts.publish({
                header: msg.header,
                taxels: r.taxels.slice(),
                total_pressure: r.totalPressure,
                centroid: { x: r.centroid[0], y: r.centroid[1], z: r.centroid[2] },
                bump: r.bump,
                bearing: r.bearing,
              });
              tokens.publish({ header: msg.header, modality: 'touch', count: 1, dim: r.token.length, data: r.token.slice() });
              if (r.bump) ctx.diagnostics.count('bumps');
              ctx.diagnostics.stage('touch', performance.now() - t0, msg.header.stamp);
            }),
          )
          .subscribe();
      },
    };
  },
});
