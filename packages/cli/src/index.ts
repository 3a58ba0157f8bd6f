export { main } from './main.js';
export { commands } from './commands.js';
export type { CliCommand, CliIo } from './CliCommand.js';
export { createNodeRegistry } from './nodeRegistry.js';
