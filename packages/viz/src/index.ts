// Public API of @sensorium/viz. The server factory (createVizServer) is not written yet; see README/report.
export { resolveVizServerOptions, isLoopbackHost } from './VizServerOptions.js';
export type { VizServerOptions, ResolvedVizServerOptions } from './VizServerOptions.js';
export { CLIENT_PUBLISH_TOPICS } from './clientPublishTopics.js';
export { buildViewer, ensureViewerBuilt } from './buildViewer.js';
