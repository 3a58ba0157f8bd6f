import type { TensorSpec } from '../inference/InferenceSession.js';
import { OnnxExportContext, type OnnxExportOptions, type WeightSource } from './OnnxExportContext.js';

/** Modality order of every weight vector (as `MODALITIES` of @sensorium/fusion). */
const MODALITIES = ['vision', 'lidar', 'audio', 'touch'] as const;
type Modality = (typeof MODALITIES)[number];
const MASK_NEG = -1e4;
const SUMMARY_DIM = 4;
/** Largest distance the auxiliary head reports, m (`AUX_MAX_DISTANCE_M`). */
const AUX_MAX_DISTANCE_M = 5;

/** Structurally `FusionConfig` of @sensorium/fusion plus the cue vector length. */
export interface FusionOnnxConfig {
  modelDim: number;
  heads: number;
  tokenDims: Readonly<Record<Modality, number>>;
  maxTokens: Readonly<Record<Modality, number>>;
  gateHidden: number;
  fuseHidden: number;
  embeddingDim: number;
  cueDim: number;
}

/** The graph's I/O contract: padded token blocks with row masks per modality, as the training batch. */
export function fusionOnnxIo(c: FusionOnnxConfig): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  return {
    inputs: [
      ...MODALITIES.flatMap((m): TensorSpec[] => [
        { name: `tokens_${m}`, shape: ['batch', c.maxTokens[m], c.tokenDims[m]] },
        { name: `mask_${m}`, shape: ['batch', c.maxTokens[m]] },
      ]),
      { name: 'available', shape: ['batch', 4] },
      { name: 'cues', shape: ['batch', c.cueDim] },
      { name: 'energy', shape: ['batch', 4] },
    ],
    outputs: [
      { name: 'weights', shape: ['batch', 4] },
      { name: 'point_encoder_prob', shape: ['batch', 1] },
      { name: 'embedding', shape: ['batch', c.embeddingDim] },
      { name: 'obstacle_presence', shape: ['batch', 1] },
      { name: 'obstacle_distance', shape: ['batch', 1] },
    ],
  };
}

/**
 * Gating network + cross-modal attention + fused embedding (`FusionModel.forwardBatch` of
 * @sensorium/fusion, which a fusion test keeps equal to the node's `step`) as ONNX. Tokens come padded to
 * `maxTokens` with a 0/1 row mask; `available` [batch, 4] marks fresh modalities, `energy` [batch, 4] the
 * RMS of each modality's raw tokens, `cues` the cue vector. Outputs: gate `weights` (unavailable ones
 * exactly 0), `point_encoder_prob`, `embedding`, `obstacle_presence`, `obstacle_distance` (m).
 * Exported without LoRA adapters (merge or drop them first).
 */
export function exportFusionOnnx(weights: WeightSource, config: FusionOnnxConfig, options: OnnxExportOptions = {}): Uint8Array {
  const c = config;
  const D = c.modelDim;
  const dh = D / c.heads;
  const x = new OnnxExportContext('sensorium_fusion', weights, options);
  const g = x.g;
  const doc = fusionOnnxIo(c);
  const docs: Record<string, string> = { available: '1 where the modality is fresh', cues: 'cue vector (CueVector.ts layout)', energy: 'RMS of each modality\'s raw tokens (0 when none)' };
  for (const spec of doc.inputs) {
    const m = spec.name.replace(/^(tokens|mask)_/, '');
    g.input(spec.name, spec.shape, docs[spec.name] ?? (spec.name.startsWith('tokens_') ? `${m} tokens, zero-padded to ${spec.shape[1]}` : `1 for real ${m} token rows`));
  }
  const one = g.scalar(1);
  const axis1 = g.int64([1]);
  const col = (t: string, i: number): string => g.op('Slice', [t, g.int64([i]), g.int64([i + 1]), axis1]);
  const reduceSum = (t: string, keep: number): string => g.op('ReduceSum', [t, axis1], { keepdims: keep });
  /** Σ_rows x·mask / max(Σ mask, 1): x [B, n, D], mask [B, n] → [B, D]. */
  const maskedMean = (t: string, mask: string): string =>
    g.op('Div', [reduceSum(g.op('Mul', [t, g.op('Unsqueeze', [mask, g.int64([2])])]), 0), g.op('Max', [reduceSum(mask, 1), one])]);

  const available = 'available';
  const projected = MODALITIES.map((m) => x.dense(`tokens_${m}`, `proj.${m}.kernel`, `proj.${m}.bias`, c.tokenDims[m], D));
  const masks = MODALITIES.map((m, i) => g.op('Mul', [`mask_${m}`, col(available, i)]));
  const hasTokens = masks.map((mask) => g.op('Cast', [g.op('Greater', [reduceSum(mask, 1), g.scalar(0)])], { to: 1 }));
  const means = projected.map((p, i) => maskedMean(p, masks[i]!));
  const summaryW = x.init('gate.summary.kernel', [D, SUMMARY_DIM]);
  const summaries = means.map((mean) => g.op('Tanh', [g.op('MatMul', [mean, summaryW])]));
  const gateIn = g.op('Concat', ['cues', 'energy', available, ...summaries], { axis: 1 });
  const gateInDim = c.cueDim + 8 + SUMMARY_DIM * MODALITIES.length;
  const hidden = g.op('Relu', [x.dense(gateIn, 'gate.hidden.kernel', 'gate.hidden.bias', gateInDim, c.gateHidden)]);
  const logits = x.dense(hidden, 'gate.logits.kernel', 'gate.logits.bias', c.gateHidden, 4);
  const notAvailable = g.op('Sub', [one, available]);
  const gateWeights = g.op('Mul', [g.op('Softmax', [g.op('Add', [logits, g.op('Mul', [notAvailable, g.scalar(MASK_NEG)])])], { axis: -1 }), available]);
  const peLogit = x.dense(hidden, 'gate.point_encoder.kernel', 'gate.point_encoder.bias', c.gateHidden, 1);

  // queries: visual tokens where there are any, else the learned default query in row 0
  const nv = c.maxTokens.vision;
  const visionHas = hasTokens[0]!;
  const noVision = g.op('Sub', [one, visionHas]);
  const padded = new Float32Array(nv * D);
  padded.set(x.value('attn.query_default', [1, D]));
  const defaultQuery = g.weight('attn_query_default_padded', [1, nv, D], padded);
  const unsq = (t: string): string => g.op('Unsqueeze', [t, g.int64([2])]); // [B, 1] → [B, 1, 1]
  const queries = g.op('Add', [g.op('Mul', [projected[0]!, unsq(visionHas)]), g.op('Mul', [defaultQuery, unsq(noVision)])]);
  const firstRow = new Float32Array(nv);
  firstRow[0] = 1;
  const queryMask = g.op('Add', [masks[0]!, g.op('Mul', [g.weight('first_row', [1, nv], firstRow), noVision])]);
  const contributions: string[] = [];
  for (let m = 1; m < MODALITIES.length; m++) {
    const keys = projected[m]!;
    const keysT = g.op('Transpose', [keys], { perm: [0, 2, 1] });
    const keyBias = g.op('Unsqueeze', [g.op('Mul', [g.op('Sub', [one, masks[m]!]), g.scalar(MASK_NEG)]), axis1]);
    const heads: string[] = [];
    for (let h = 0; h < c.heads; h++) {
      const q = g.op('MatMul', [queries, x.init(`attn.h${h}.q`, [D, dh])]);
      const kT = g.op('MatMul', [x.init(`attn.h${h}.kT`, [dh, D]), keysT]);
      const v = g.op('MatMul', [keys, x.init(`attn.h${h}.v`, [D, dh])]);
      const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, kT]), g.scalar(1 / Math.sqrt(dh))]), keyBias]);
      heads.push(g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]));
    }
    const scale = unsq(g.op('Mul', [col(gateWeights, m), hasTokens[m]!]));
    contributions.push(g.op('Mul', [g.op('Concat', heads, { axis: 2 }), scale]));
  }
  const attended = contributions.reduce((a, b) => g.op('Add', [a, b]));
  const out = x.dense(attended, 'attn.out.kernel', 'attn.out.bias', D, D);
  const pooledAttention = maskedMean(out, queryMask);
  const visualPool = g.op('Mul', [means[0]!, g.op('Mul', [col(gateWeights, 0), visionHas])]);
  const fused = g.op('Concat', [visualPool, pooledAttention, gateWeights, 'cues'], { axis: 1 });
  const fusedDim = 2 * D + 4 + c.cueDim;
  const embedding = g.op('Tanh', [x.dense(g.op('Relu', [x.dense(fused, 'fuse.hidden.kernel', 'fuse.hidden.bias', fusedDim, c.fuseHidden)]), 'fuse.out.kernel', 'fuse.out.bias', c.fuseHidden, c.embeddingDim)]);
  const presence = g.op('Sigmoid', [x.dense(embedding, 'aux.presence.kernel', 'aux.presence.bias', c.embeddingDim, 1)]);
  const distance = g.op('Mul', [g.op('Sigmoid', [x.dense(embedding, 'aux.distance.kernel', 'aux.distance.bias', c.embeddingDim, 1)]), g.scalar(AUX_MAX_DISTANCE_M)]);
  const outDocs = ['gate weights over vision, lidar, audio, touch (0 where unavailable)', 'P(run the point encoder)', 'fused embedding', 'P(obstacle within 2 m ahead)', 'distance to the nearest obstacle ahead, m'];
  [gateWeights, g.op('Sigmoid', [peLogit]), embedding, presence, distance].forEach((t, i) => {
    const spec = doc.outputs[i]!;
    g.output(t, spec.name, spec.shape, outDocs[i]!);
  });
  return g.toBytes({ doc: 'Sensorium fusion model (gating + cross-modal attention)', metadata: { kind: 'sensorium.fusion', config: JSON.stringify(config), int8: String(options.int8 === true) } });
}
