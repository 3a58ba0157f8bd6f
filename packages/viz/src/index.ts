// Public API of @sensorium/viz.
export { createVizServer } from './createVizServer.js';
export type { VizServer } from './createVizServer.js';
export { resolveVizServerOptions, isLoopbackHost } from './VizServerOptions.js';
export type { VizServerOptions, ResolvedVizServerOptions } from './VizServerOptions.js';
export { CLIENT_PUBLISH_TOPICS } from './clientPublishTopics.js';
export { buildViewer, ensureViewerBuilt, DEFAULT_VIEWER_DIR, VIEWER_SOURCE_DIR } from './buildViewer.js';
export { ConnectionGraphTracker } from './ConnectionGraphTracker.js';
export type { ConnectionGraphSnapshot, ConnectionGraphUpdate, SelfConnections } from './ConnectionGraphTracker.js';
export { parseParameterName, parameterName, readParameters, writeParameters } from './graphParameters.js';
export type { GraphSource } from './graphParameters.js';
