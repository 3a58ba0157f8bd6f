import { ConfigError } from '../errors/ConfigError.js';
import type { NodeDefinition } from '../node/NodeDefinition.js';
import type { ParamSpecs } from '../node/ParamSpec.js';

/**
 * Maps a launch file's `exec` to a NodeDefinition. Each package registers its nodes; the CLI (or a test,
 * or the scenario runner) composes one registry, so no package imports another's nodes directly.
 *
 * ```ts
 * const registry = new NodeRegistry().register(lidarProcessor, cameraEncoder);
 * ```
 */
export class NodeRegistry {
  readonly #definitions = new Map<string, NodeDefinition<ParamSpecs>>();

  /** Adds definitions by their `exec`. Registering a different definition under a taken exec is a ConfigError. */
  register(...definitions: readonly NodeDefinition<ParamSpecs>[]): this {
    for (const definition of definitions) {
      const existing = this.#definitions.get(definition.exec);
      if (existing !== undefined && existing !== definition) {
        throw new ConfigError(`node exec '${definition.exec}' is registered twice`, {
          context: { node: definition.exec, expected: 'one definition per exec' },
        });
      }
      this.#definitions.set(definition.exec, definition);
    }
    return this;
  }

  get(exec: string): NodeDefinition<ParamSpecs> | undefined {
    return this.#definitions.get(exec);
  }

  has(exec: string): boolean {
    return this.#definitions.has(exec);
  }

  /** Registered execs, sorted. */
  execs(): string[] {
    return [...this.#definitions.keys()].sort();
  }
}
