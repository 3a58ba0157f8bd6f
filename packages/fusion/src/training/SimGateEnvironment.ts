import type { NodeDefinition, ParamSpecs, Transport } from '@sensorium/core';
import type { FusionModel, FusionStepInput, TokenBlock } from '../model/FusionModel.js';
import { makeFusionNode } from '../node/fusionNode.js';
import type { FusionSample } from './FusionSample.js';
import type { EpisodeOutcome, GateDriver, GateEnvironment } from './reinforceGate.js';
import { SimGroundTruth, type RecordedFault } from './SimGroundTruth.js';

/** What the runner of one simulator episode is given: the fusion node to run, and a tap on the transport. */
export interface SimEpisodeHooks {
  /** The real `fusion` node with the model being trained and the exploring step: put it in the graph's registry. */
  readonly fusionNode: NodeDefinition<ParamSpecs>;
  /** Call with the run's transport before any node starts (ground-truth labels for the supervised term). */
  onStart(context: { transport: Transport }): void;
}

/** The scenario score of one episode (the runner's ScenarioResult fields REINFORCE rewards). */
export interface SimEpisodeScore {
  drivingScore: number;
  collisions: number;
  reachedGoal: boolean;
  passed: boolean;
}

/** One simulator episode: the scenario's lighting and faults (for labels) and how to run it. */
export interface SimEpisode {
  readonly name: string;
  readonly lighting: number;
  readonly faults: readonly RecordedFault[];
  run(hooks: SimEpisodeHooks): Promise<SimEpisodeScore>;
}

export interface SimGateEnvironmentOptions {
  /** The model REINFORCE trains: the episode's fusion node steps it directly. */
  model: FusionModel;
  /** Episode `index` (the caller picks the scenario, its seed, the graph and registry; see sensorium train). */
  episode(index: number): SimEpisode;
  /** Reward = driving score − collisionPenalty × collisions (the driving score already halves per collision). */
  collisionPenalty?: number;
  /** Called after each episode (progress lines). */
  onEpisode?(index: number, name: string, score: SimEpisodeScore, reward: number): void;
}

/**
 * REINFORCE in the simulator through the real stack: each rollout is a closed-loop scenario run of the stack
 * graph (perception → fusion → planner → policy → safety supervisor) in which the fusion node is the real
 * node (same FusionNodeLogic: staleness, cues, point-encoder hysteresis, published percept) stepping the
 * model being trained through `drive.fusionStep` — which adds the exploration noise to the gate logits and
 * records what the gate saw. The policy node, planner and supervisor act on the percept as they do in
 * `sensorium scenario`. The reward is the scenario's driving score minus a collision penalty; labels for the
 * supervised gate term come from the simulator's ground truth (SimGroundTruth).
 */
export class SimGateEnvironment implements GateEnvironment {
  constructor(private readonly options: SimGateEnvironmentOptions) {}

  async rollout(index: number, drive: GateDriver): Promise<EpisodeOutcome> {
    const episode = this.options.episode(index);
    const truth = new SimGroundTruth({ lighting: episode.lighting, faults: episode.faults });
    const fusionNode = makeFusionNode({
      model: this.options.model,
      stepper: (model, now) => ({
        step: (input: FusionStepInput) => {
          const labels = truth.label(now(), input.available);
          // Before the first world state there is nothing to label: the plain step, not recorded.
          if (labels === null) return model.step(input);
          const sample: FusionSample = {
            tokens: input.tokens.map((b: TokenBlock | undefined) => (b === undefined ? undefined : { count: b.count, data: b.data.slice() })),
            available: Float32Array.from(input.available),
            cues: input.cues.slice(),
            goal: labels.goal ?? { x: 0, y: 0 },
            // The policy node acts on the published percept; these fields only feed a GateDriver's own policy.
            perceived: { nearestDistanceM: Infinity, nearestBearing: 0, count: 0, contact: false },
            expert: { linear: 0, angular: 0 },
            obstacleAhead: labels.obstacleAhead,
            obstacleDistanceM: labels.obstacleDistanceM,
            gateTarget: labels.gateTarget,
            pointEncoderTarget: labels.pointEncoderTarget,
          };
          return drive.fusionStep(sample);
        },
      }),
    }) as unknown as NodeDefinition<ParamSpecs>;
    let tap: { unsubscribe(): void } | undefined;
    let score: SimEpisodeScore;
    try {
      score = await episode.run({ fusionNode, onStart: ({ transport }) => (tap = truth.attach(transport)) });
    } finally {
      tap?.unsubscribe();
    }
    const reward = score.drivingScore - (this.options.collisionPenalty ?? 0.25) * score.collisions;
    this.options.onEpisode?.(index, episode.name, score, reward);
    return { reward, collided: score.collisions > 0, reachedGoal: score.reachedGoal };
  }
}
