import { Graph, NodeRuntime, SimClock, runGraph, type GraphDescription, type Logger, type NodeRegistry, type Transport } from '@sensorium/core';
import { createSimulatorNode, type Scenario, type Simulator } from '@sensorium/sim';

export interface StackSessionOptions {
  scenario: Scenario;
  /** The controller graph (launch/stack.launch.yaml through `loadStackGraph`); a `simulator` node in it is dropped. */
  stack: GraphDescription;
  registry: NodeRegistry;
  /** Shared across sessions (the viewer subscribes once). */
  transport: Transport;
  logger: Logger;
  seed?: number;
  simulatorParams?: Readonly<Record<string, unknown>>;
  readResource?: (path: string) => Promise<Uint8Array>;
  resourceRoot?: string;
}

/**
 * One scenario run under our control (for `sensorium start`): the simulator and the stack on a fresh
 * SimClock that the caller advances — so it can pace, pause, reset or switch scenarios, which the
 * run-to-completion `runScenario` cannot. Scoring is the simulator's own scorer, as in runScenario.
 */
export class StackSession {
  private constructor(
    /** The clock every node of this session runs on. */
    readonly clock: SimClock,
    readonly scenario: Scenario,
    readonly simulator: Simulator,
    private readonly simRuntime: NodeRuntime,
    private readonly graph: Graph,
  ) {}

  static async create(options: StackSessionOptions): Promise<StackSession> {
    let simulator: Simulator | undefined;
    const definition = createSimulatorNode({ scenario: options.scenario, onCreated: (s) => (simulator = s) });
    const clock = new SimClock();
    const resources = {
      ...(options.readResource === undefined ? {} : { readResource: options.readResource }),
      ...(options.resourceRoot === undefined ? {} : { resourceRoot: options.resourceRoot }),
    };
    const simRuntime = new NodeRuntime(definition, {
      transport: options.transport,
      clock,
      params: [{ values: { seed: options.seed ?? options.scenario.seed, ...options.simulatorParams } }],
      logger: options.logger,
      ...resources,
    });
    await simRuntime.configure();
    let graph: Graph | undefined;
    try {
      graph = await runGraph(
        { ...options.stack, nodes: options.stack.nodes.filter((n) => n.exec !== 'simulator') },
        { registry: options.registry, transport: options.transport, clock, logger: options.logger, ...resources },
      );
      const failure = graph.failures[0];
      if (failure !== undefined) throw failure.error;
      simRuntime.activate();
      if (simulator === undefined) throw new Error(`simulator did not start for scenario ${options.scenario.name}`);
    } catch (error) {
      await graph?.shutdown();
      await simRuntime.shutdown();
      throw error;
    }
    return new StackSession(clock, options.scenario, simulator, simRuntime, graph);
  }

  /** Sim seconds so far. */
  get time(): number {
    return this.simulator.time;
  }

  /** Whether the run is over: goal reached or the scenario's duration elapsed. */
  get finished(): boolean {
    return this.simulator.scorer.timeToGoal !== null || this.simulator.time >= this.scenario.duration - 1e-9;
  }

  /** Advances sim time; every node runs on this clock. */
  advance(seconds: number): void {
    this.clock.advanceBy(seconds);
  }

  /** Node diagnostics of the stack and the simulator (interventions, drops, stage timings). */
  diagnostics() {
    return this.graph.diagnostics();
  }

  get nodes(): readonly NodeRuntime[] {
    return [this.simRuntime, ...this.graph.nodes];
  }

  async shutdown(): Promise<void> {
    await this.graph.shutdown();
    await this.simRuntime.shutdown();
  }
}
