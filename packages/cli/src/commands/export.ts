import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, SensoriumError } from '@sensorium/core';
import { loadFusionModel, loadPolicyHead, POLICY_MAX_ANGULAR, POLICY_MAX_LINEAR } from '@sensorium/fusion';
import {
  exportFusionOnnx,
  exportPointEncoderOnnx,
  fusionOnnxIo,
  exportPolicyHeadOnnx,
  exportVitOnnx,
  initBackend,
  loadWeights,
  pointEncoderOnnxIo,
  policyHeadOnnxIo,
  vitOnnxIo,
  weightsFromTensors,
  type LoadedWeights,
  type Module,
  type TensorSpec,
  type WeightArray,
} from '@sensorium/ml';
import { PointEncoder, VIT_SMALL, VitEncoder, type VitConfig } from '@sensorium/perception';
import type { CliCommand, CliIo } from '../CliCommand.js';

const USAGE = `Usage: sensorium export --format onnx [--int8] [--json] MODEL_DIR OUT_DIR

Writes every model as an ONNX graph (opset 17, named inputs/outputs, dynamic batch dimension) with its
weights from MODEL_DIR:

  camera_vit.onnx     MODEL_DIR/camera/model.json (what launch/stack.launch.yaml's camera_encoder loads),
                      else MODEL_DIR/camera_vit/model.json (tfjs weights; config in userDefinedMetadata.config),
                      else the seeded default ViT the camera node runs without a model
  point_encoder.onnx  MODEL_DIR/point_encoder/model.json, else the seeded default
  fusion.onnx         MODEL_DIR/fusion (sensorium.fusion: gating network + cross-modal attention)
  policy.onnx         MODEL_DIR/policy (sensorium.policy, as the policy node loads it)
Models without trained weights in MODEL_DIR (fusion, policy) are skipped, saying so.

  --int8   also write NAME.int8.onnx: per-channel int8 weights, MatMulInteger (ONNX Runtime CPU)
  --json   print what was written (files, inputs, outputs, weight source) as JSON

Example:
  sensorium export --format onnx models build/onnx`;

interface Exported {
  model: string;
  file: string;
  int8File?: string;
  bytes: number;
  weights: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export const command: CliCommand = {
  name: 'export',
  summary: 'export the models to ONNX (camera ViT, point encoder, fusion, policy head)',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    let modelDir: string;
    let outDir: string;
    let int8: boolean;
    let json: boolean;
    try {
      const { values, positionals } = parseArgs({
        args: [...args],
        options: { format: { type: 'string' }, int8: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
        allowPositionals: true,
      });
      if (values.help === true) {
        io.stdout(`${USAGE}\n`);
        return 0;
      }
      if (values.format !== 'onnx') throw new ConfigError('unsupported export format', { context: { field: '--format', expected: 'onnx', actual: values.format ?? 'none' } });
      if (positionals.length !== 2) throw new ConfigError('name MODEL_DIR and OUT_DIR', { context: { field: 'MODEL_DIR OUT_DIR', actual: positionals.join(' ') || 'none' } });
      modelDir = resolve(io.cwd, positionals[0]!);
      outDir = resolve(io.cwd, positionals[1]!);
      if (!existsSync(modelDir)) throw new ConfigError('model directory does not exist', { context: { file: modelDir, field: 'MODEL_DIR' } });
      int8 = values.int8 === true;
      json = values.json === true;
    } catch (error) {
      io.stderr(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
      return 2;
    }
    try {
      await initBackend({ prefer: ['wasm', 'cpu'], log: () => {} });
      await mkdir(outDir, { recursive: true });
      const read = (path: string): Promise<Uint8Array> => readFile(path);
      const done: Exported[] = [];
      const write = async (model: string, build: (o: { int8: boolean }) => Uint8Array, weights: string, io2: { inputs: TensorSpec[]; outputs: TensorSpec[] }): Promise<void> => {
        const bytes = build({ int8: false });
        const file = join(outDir, `${model}.onnx`);
        await writeFile(file, bytes);
        const entry: Exported = { model, file, bytes: bytes.byteLength, weights, ...io2 };
        if (int8) {
          entry.int8File = join(outDir, `${model}.int8.onnx`);
          await writeFile(entry.int8File, build({ int8: true }));
        }
        done.push(entry);
        io.stderr(`export: ${model} → ${file} (${(bytes.byteLength / 1e6).toFixed(2)} MB, weights: ${weights})\n`);
      };

      // camera ViT
      const vitJson = [join(modelDir, 'camera', 'model.json'), join(modelDir, 'camera_vit', 'model.json')].find((f) => existsSync(f)) ?? join(modelDir, 'camera', 'model.json');
      const vitLoaded = existsSync(vitJson) ? await loadWeights(vitJson, { read }) : undefined;
      const vitConfig = { ...VIT_SMALL, ...((vitLoaded?.metadata['config'] as Partial<VitConfig> | undefined) ?? {}) };
      const vit = new VitEncoder(vitConfig);
      await withModule(vit, vitLoaded, vitJson, async (w) => {
        await write('camera_vit', (o) => exportVitOnnx(w, vit.config, { ...o, file: vitJson }), vitLoaded === undefined ? `seeded (seed ${vit.config.seed}; no ${vitJson})` : vitJson, vitOnnxIo(vit.config));
      });

      // point encoder
      const peJson = join(modelDir, 'point_encoder', 'model.json');
      const peLoaded = existsSync(peJson) ? await loadWeights(peJson, { read }) : undefined;
      const pe = new PointEncoder((peLoaded?.metadata['config'] as object | undefined) ?? {});
      await withModule(pe, peLoaded, peJson, async (w) => {
        await write('point_encoder', (o) => exportPointEncoderOnnx(w, pe.config, { ...o, file: peJson }), peLoaded === undefined ? `seeded (seed ${pe.config.seed}; no ${peJson})` : peJson, pointEncoderOnnxIo(pe.config));
      });

      // fusion model (trained weights required, as for the policy)
      const fusionDir = join(modelDir, 'fusion');
      if (existsSync(join(fusionDir, 'model.json'))) {
        const fusion = await loadFusionModel({ read }, fusionDir);
        try {
          const w = new Map<string, WeightArray>(fusion.weights.read().map((n) => [n.name, n]));
          const config = { ...fusion.config, cueDim: fusion.cueDim };
          await write('fusion', (o) => exportFusionOnnx(w, config, { ...o, file: join(fusionDir, 'model.json') }), join(fusionDir, 'model.json'), fusionOnnxIo(config));
        } finally {
          fusion.dispose();
        }
      } else {
        io.stderr(`export: fusion skipped (no ${join(fusionDir, 'model.json')})\n`);
      }

      // policy head (trained weights required: a seeded policy is no policy)
      const policyDir = join(modelDir, 'policy');
      if (existsSync(join(policyDir, 'model.json'))) {
        const policy = await loadPolicyHead({ read }, policyDir);
        try {
          const w = new Map<string, WeightArray>(policy.weights.read().map((n) => [n.name, n]));
          const config = { inputDim: policy.inputDim, hidden: policy.hidden, scale: [POLICY_MAX_LINEAR, POLICY_MAX_ANGULAR] as const };
          await write('policy', (o) => exportPolicyHeadOnnx(w, config, { ...o, file: join(policyDir, 'model.json') }), join(policyDir, 'model.json'), policyHeadOnnxIo(config));
        } finally {
          policy.dispose();
        }
      } else {
        io.stderr(`export: policy skipped (no ${join(policyDir, 'model.json')})\n`);
      }
      if (json) io.stdout(`${JSON.stringify({ outDir, models: done }, null, 2)}\n`);
      else for (const d of done) io.stdout(`${d.model}\t${d.file}\tin: ${d.inputs.map(fmt).join(', ')}\tout: ${d.outputs.map(fmt).join(', ')}\n`);
      return 0;
    } catch (error) {
      io.stderr(`export failed: ${error instanceof SensoriumError || error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  },
};

/** Loads `loaded` weights (if any) into `module`, hands its weights to `use`, disposes everything. */
async function withModule(module: Module, loaded: LoadedWeights | undefined, file: string, use: (w: Map<string, WeightArray>) => Promise<void>): Promise<void> {
  try {
    if (loaded !== undefined) module.assignWeights(loaded.weights, { file });
    await use(weightsFromTensors(module.weights));
  } finally {
    if (loaded !== undefined) for (const t of loaded.weights.values()) t.dispose();
    module.dispose();
  }
}

function fmt(s: TensorSpec): string {
  return `${s.name}[${s.shape.join(',')}]`;
}
