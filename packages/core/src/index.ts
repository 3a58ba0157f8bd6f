// Public API of @sensorium/core. Only what other packages need; internals stay internal.
export * from './errors/SensoriumError.js';
export * from './errors/DecodeError.js';
export * from './errors/ValidationError.js';
export * from './errors/ParameterError.js';
export * from './errors/ConfigError.js';
export * from './errors/TransportError.js';
export * from './time/Time.js';
export * from './messages/index.js';
export * from './transport/QoS.js';
export type * from './transport/Transport.js';
export type * from './clock/Clock.js';
export * from './node/ParamSpec.js';
export * from './node/NodeDefinition.js';
export * from './operators/ApproximateTimeSyncPolicy.js';
export * from './operators/approximateTimeSync.js';
