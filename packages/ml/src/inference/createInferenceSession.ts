import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as ortTypes from 'onnxruntime-node';
import { ValidationError } from '@sensorium/core';
import { initBackend, type BackendName } from '../initBackend.js';
import { ModelFormatError } from '../ModelFormatError.js';
import { elementTypeName, ortNativeBinding, type OrtNativeSession, type OrtNativeValueMetadata } from './ortNativeSession.js';
import { DEFAULT_INFERENCE_ORDER, sampleSize, type Feeds, type InferenceBackend, type InferenceModel, type InferenceSession, type TensorSpec, type TfjsRunner } from './InferenceSession.js';

export interface CreateInferenceSessionOptions {
  /** Backends to try in order; default {@link DEFAULT_INFERENCE_ORDER}. */
  prefer?: readonly InferenceBackend[];
  /** ONNX Runtime intra-op threads on CPU; default 1 (the robot runs several nodes). */
  threads?: number;
  /**
   * ONNX Runtime execution providers to try, best first; default TensorRT, CUDA, then CPU, filtered by what
   * the installed onnxruntime-node build lists (`listSupportedBackends`).
   */
  executionProviders?: readonly string[];
  /** Where the choice and any fallback are reported; default `console.info`. */
  log?: (message: string) => void;
}

const TFJS_BACKENDS: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

/**
 * Opens `model` on the first backend that loads it: ONNX Runtime (TensorRT / CUDA execution provider where
 * the installed build has them, else CPU with `threads`), then TensorFlow.js (tfjs-node-gpu, tfjs-node,
 * wasm). A missing package is a skip; a corrupt or mismatched model file fails that backend with a
 * ModelFormatError naming the file and reason, which is logged, and the next backend is tried. Throws
 * (listing every reason) when none loads.
 *
 * ```ts
 * const session = await createInferenceSession({ name: 'camera_vit', inputs, outputs, onnxFile, read, tfjs }, { threads: 2 });
 * const { tokens } = await session.run({ patches }, { batch: 1 });
 * ```
 */
export async function createInferenceSession(model: InferenceModel, options: CreateInferenceSessionOptions = {}): Promise<InferenceSession> {
  const order = options.prefer ?? DEFAULT_INFERENCE_ORDER;
  const log = options.log ?? ((m: string) => console.info(m));
  const skipped: string[] = [];
  for (let i = 0; i < order.length; i++) {
    const backend = order[i]!;
    try {
      let session: InferenceSession;
      if (backend === 'onnxruntime') {
        session = await openOrt(model, options, skipped);
      } else {
        // the rest of the tfjs chain from here, so initBackend can pick the first installed one
        const rest = order.slice(i).filter((b): b is BackendName => (TFJS_BACKENDS as readonly string[]).includes(b));
        session = await openTfjs(model, rest, skipped);
        i = order.length; // initBackend walked the rest of the chain
      }
      log(`[sensorium/ml] ${model.name}: inference on ${session.backend} (${session.reason})`);
      return session;
    } catch (error) {
      const reason = shortReason(error);
      skipped.push(`${backend}: ${reason}`);
      if (error instanceof ModelFormatError) log(`[sensorium/ml] ${model.name}: ${backend} cannot load the model (${reason}); falling back to the next backend`);
    }
  }
  throw new ModelFormatError('no inference backend could load the model', { context: { file: model.onnxFile, field: model.name, actual: skipped.join('; ') } });
}

async function openOrt(model: InferenceModel, options: CreateInferenceSessionOptions, skipped: readonly string[]): Promise<InferenceSession> {
  if (model.onnxFile === undefined || model.read === undefined) throw new Error('no ONNX file given');
  let ort: typeof ortTypes;
  let native: ReturnType<typeof ortNativeBinding>;
  try {
    ort = (await import('onnxruntime-node')) as typeof ortTypes;
    native = ortNativeBinding();
  } catch (cause) {
    throw new Error(`onnxruntime-node not installed or not loadable (${firstLine(cause)})`, { cause });
  }
  const file = model.onnxFile;
  const bytes = await model.read(file);
  const available = new Set(native.binding.listSupportedBackends().map((b) => b.name));
  const wanted = options.executionProviders ?? ['tensorrt', 'cuda', 'cpu'];
  const providers = wanted.filter((p) => available.has(p));
  if (providers.length === 0) throw new Error(`none of the execution providers ${wanted.join(', ')} is in this onnxruntime-node build (${[...available].join(', ')})`);
  const threads = options.threads ?? 1;
  const epSkipped: string[] = [];
  let session: OrtNativeSession | undefined;
  let provider = 'cpu';
  for (const p of providers) {
    const library = providerLibrary(p);
    if (library !== undefined && !existsSync(library)) {
      epSkipped.push(`${p}: ${path.basename(library)} not installed`);
      continue;
    }
    const candidate = new native.binding.InferenceSession();
    try {
      // GPU providers are listed by every build but their shared libraries ship only with the GPU install:
      // a provider that fails to load is skipped (quietly: severity 4), any other failure is the model's.
      const quietProbe = p !== 'cpu' ? { logSeverityLevel: 4 as const } : {};
      candidate.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
        executionProviders: p === 'cpu' ? ['cpu'] : [p, 'cpu'],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        // Idle intra-op threads spin by default: on a robot's shared cores that burns the core the LiDAR
        // pipeline and fusion need (measured here: 2 spinning threads 2.6× slower than 1, not spinning 1.15×).
        ...(threads > 1 ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
        ...quietProbe,
      });
      session = candidate;
      provider = p;
      break;
    } catch (cause) {
      disposeQuietly(candidate); // a session whose load failed is not initialised and may refuse dispose
      const message = firstLine(cause);
      if (p !== 'cpu' && /ExecutionProvider|shared librar|providers_/i.test(message)) {
        epSkipped.push(`${p}: ${message}`);
        continue;
      }
      throw new ModelFormatError('ONNX Runtime cannot load the model', { context: { file, actual: message }, cause });
    }
  }
  if (session === undefined) throw new Error(`no execution provider loaded (${epSkipped.join('; ')})`);
  const ready = session;
  try {
    checkIo(ready.inputMetadata, model.inputs, file, 'input');
    checkIo(ready.outputMetadata, model.outputs, file, 'output');
  } catch (error) {
    ready.dispose();
    throw error;
  }
  const eps = epSkipped.length === 0 ? '' : ` (${epSkipped.map((e) => e.split(':')[0]).join(', ')} not usable in this install)`;
  const because = `onnxruntime-node ${ort.env.versions.node ?? ''}, ${provider} execution provider${provider === 'cpu' ? `, ${threads} thread(s)` : ''}${eps}`;
  // Fetches and run options are the same every call: built once.
  const fetches: Record<string, null> = Object.fromEntries(model.outputs.map((s) => [s.name, null]));
  const noOptions: Record<string, never> = {};
  let disposed = false;
  // A node feeds the same buffers every message: their tensor wrappers are made once (ORT tensors view
  // the Float32Array, no copy), so only the outputs are allocated per run.
  const input: Record<string, ortTypes.Tensor> = {};
  const wrapped = new Map<string, { data: Float32Array; batch: number }>();
  const runSync = (feeds: Feeds, runOptions: { batch: number }): Feeds => {
    if (disposed) throw new ValidationError('inference session used after dispose', { context: { field: model.name } });
    const batch = runOptions.batch;
    for (const spec of model.inputs) {
      const data = feeds[spec.name];
      const known = wrapped.get(spec.name);
      if (known !== undefined && known.data === data && known.batch === batch && data.length === sampleSize(spec) * batch) continue;
      const checked = feedFor(feeds, spec, batch, model);
      input[spec.name] = new ort.Tensor('float32', checked, batchShape(spec, batch));
      wrapped.set(spec.name, { data: checked === data ? data : new Float32Array(0), batch });
    }
    const out = ready.run(input, fetches, noOptions);
    const result: Feeds = {};
    for (const spec of model.outputs) result[spec.name] = out[spec.name]!.data as Float32Array;
    return result;
  };
  return {
    backend: 'onnxruntime',
    reason: skipped.length === 0 ? because : `${because}; skipped ${skipped.join('; ')}`,
    model,
    runSync,
    run(feeds: Feeds, runOptions: { batch: number }): Promise<Feeds> {
      // what ort's own session does: the synchronous native run, off the current tick
      return new Promise((resolve, reject) => {
        setImmediate(() => {
          try {
            resolve(runSync(feeds, runOptions));
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
    },
    dispose(): Promise<void> {
      if (!disposed) {
        disposed = true;
        ready.dispose();
      }
      return Promise.resolve();
    },
  };
}

async function openTfjs(model: InferenceModel, order: readonly BackendName[], skipped: readonly string[]): Promise<InferenceSession> {
  if (model.tfjs === undefined) throw new Error('no TensorFlow.js implementation given');
  if (order.length === 0) throw new Error('no TensorFlow.js backend in the preference list');
  const info = await initBackend({ prefer: order, log: () => {} });
  const runner: TfjsRunner = await model.tfjs(info.tf);
  const tf = info.tf;
  const because = `TensorFlow.js ${info.name}: ${info.reason}`;
  const runSync = (feeds: Feeds, runOptions: { batch: number }): Feeds => {
    const inputs: Record<string, ReturnType<typeof tf.tensor>> = {};
    for (const spec of model.inputs) inputs[spec.name] = tf.tensor(feedFor(feeds, spec, runOptions.batch, model), batchShape(spec, runOptions.batch));
    let outputs: Record<string, ReturnType<typeof tf.tensor>> = {};
    try {
      outputs = runner(inputs);
      const result: Feeds = {};
      for (const spec of model.outputs) {
        const t = outputs[spec.name];
        if (t === undefined) throw new ModelFormatError('TensorFlow.js model did not produce an output', { context: { field: `${model.name}.${spec.name}` } });
        result[spec.name] = t.dataSync() as Float32Array;
      }
      return result;
    } finally {
      for (const t of Object.values(inputs)) t.dispose();
      for (const t of Object.values(outputs)) t.dispose();
    }
  };
  return {
    backend: info.name,
    reason: skipped.length === 0 ? because : `${because}; skipped ${skipped.join('; ')}`,
    model,
    runSync,
    run(feeds: Feeds, runOptions: { batch: number }): Promise<Feeds> {
      try {
        return Promise.resolve(runSync(feeds, runOptions));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    dispose(): Promise<void> {
      return Promise.resolve();
    },
  };
}

/** The model file's inputs/outputs must be the contract's: names, and every fixed dimension. */
function checkIo(actual: readonly OrtNativeValueMetadata[], expected: readonly TensorSpec[], file: string, what: string): void {
  for (const spec of expected) {
    const found = actual.find((m) => m.name === spec.name);
    if (found === undefined) {
      throw new ModelFormatError(`model file has no ${what} named ${spec.name}`, { context: { file, field: spec.name, expected: `${what}s ${expected.map((s) => s.name).join(', ')}`, actual: actual.map((m) => m.name).join(', ') } });
    }
    if (!found.isTensor) throw new ModelFormatError(`${what} is not a tensor`, { context: { file, field: spec.name } });
    // the binding reports a symbolic dimension as -1 with its name in symbolicDimensions
    const shape = found.shape.map((d, i) => (d < 0 ? (found.symbolicDimensions[i] ?? '?') : d));
    const type = elementTypeName(found.type);
    const ok = shape.length === spec.shape.length && spec.shape.every((d, i) => d === 'batch' || shape[i] === d);
    if (!ok || type !== 'float32') {
      throw new ModelFormatError(`${what} has the wrong shape or type`, {
        context: { file, field: spec.name, expected: `float32 [${spec.shape.join(', ')}]`, actual: `${type} [${shape.join(', ')}]` },
      });
    }
  }
}

function feedFor(feeds: Feeds, spec: TensorSpec, batch: number, model: InferenceModel): Float32Array {
  const data = feeds[spec.name];
  const size = sampleSize(spec) * batch;
  if (data === undefined || data.length < size) {
    throw new ValidationError('inference input missing or too short', { context: { field: `${model.name}.${spec.name}`, expected: `${size} values (batch ${batch})`, actual: data === undefined ? 'missing' : `${data.length}` } });
  }
  return data.length === size ? data : data.subarray(0, size);
}

function batchShape(spec: TensorSpec, batch: number): number[] {
  return spec.shape.map((d) => (d === 'batch' ? batch : d));
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

function shortReason(error: unknown): string {
  // SensoriumError messages already carry file / field / expected / actual
  return firstLine(error);
}

/**
 * Shared library a GPU execution provider needs next to the onnxruntime-node binding (the CPU-only
 * install has none), so a missing one is skipped without ORT printing load errors. undefined for CPU.
 */
function providerLibrary(provider: string): string | undefined {
  if (provider === 'cpu') return undefined;
  const ext = process.platform === 'win32' ? 'dll' : 'so';
  const prefix = process.platform === 'win32' ? '' : 'lib';
  try {
    const main = createRequire(import.meta.url).resolve('onnxruntime-node');
    const dir = path.join(path.dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
    return path.join(dir, `${prefix}onnxruntime_providers_${provider}.${ext}`);
  } catch {
    return undefined;
  }
}

function disposeQuietly(session: OrtNativeSession): void {
  try {
    session.dispose();
  } catch {
    // nothing was loaded
  }
}
