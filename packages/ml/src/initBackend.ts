import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tfjs from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The TensorFlow.js namespace (same API whichever backend package provided it). */
export type TF = typeof tfjs;

/** Backends in the order Sensorium tries them by default. `cpu` is the pure-JS last resort (~30× slower). */
export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

export const DEFAULT_BACKEND_ORDER: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm'];

export interface InitBackendOptions {
  /** Backends to try, first that loads wins. Default {@link DEFAULT_BACKEND_ORDER}. */
  prefer?: readonly BackendName[];
  /** Where the choice is reported; default `console.info`. Pass `() => {}` to silence. */
  log?: (message: string) => void;
}

export interface BackendInfo {
  /** Backend that was chosen. */
  name: BackendName;
  /** The tfjs registry name now active (`tensorflow`, `wasm`, `cpu`). */
  tfBackend: string;
  /** Why this one (and why the ones before it were skipped). */
  reason: string;
  tf: TF;
}

let chosen: Promise<BackendInfo> | undefined;

/**
 * Chooses and initialises the TensorFlow.js backend once per process: `@tensorflow/tfjs-node-gpu` if
 * installed, then `@tensorflow/tfjs-node`, else `@tensorflow/tfjs-backend-wasm` (SIMD, single thread in
 * Node). Idempotent: later calls return the first call's result, whatever their options.
 *
 * ```ts
 * const { name, tf } = await initBackend();
 * ```
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  chosen ??= choose(options).catch((error: unknown) => {
    chosen = undefined; // let a caller retry with other options
    throw error;
  });
  return chosen;
}

async function choose(options: InitBackendOptions): Promise<BackendInfo> {
  const order = options.prefer ?? DEFAULT_BACKEND_ORDER;
  const log = options.log ?? ((m: string) => console.info(m));
  const skipped: string[] = [];
  for (const name of order) {
    try {
      const info = await tryBackend(name, skipped);
      log(`[sensorium/ml] TensorFlow.js backend: ${info.name} (${info.reason})`);
      return info;
    } catch (error) {
      skipped.push(`${name}: ${shortReason(error)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised (${skipped.join('; ')})`);
}

async function tryBackend(name: BackendName, skipped: readonly string[]): Promise<BackendInfo> {
  const because = (what: string): string => (skipped.length === 0 ? what : `${what}; skipped ${skipped.join('; ')}`);
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      // Not dependencies (their install downloads libtensorflow from outside npm): the module name sits in
      // a variable so bundlers and tsc do not try to resolve it, and a missing package is just a skip.
      const moduleName = `@tensorflow/${name}`;
      const mod = (await import(moduleName)) as TF;
      await mod.setBackend('tensorflow');
      await mod.ready();
      return { name, tfBackend: mod.getBackend(), reason: because(`${moduleName} is installed`), tf: mod };
    }
    case 'wasm': {
      setWasmPaths(wasmDir());
      if (!(await tfjs.setBackend('wasm'))) throw new Error('setBackend("wasm") returned false');
      await tfjs.ready();
      return { name, tfBackend: tfjs.getBackend(), reason: because('native backends not installed; wasm with SIMD'), tf: tfjs };
    }
    case 'cpu': {
      if (!(await tfjs.setBackend('cpu'))) throw new Error('setBackend("cpu") returned false');
      await tfjs.ready();
      return { name, tfBackend: tfjs.getBackend(), reason: because('pure-JS fallback'), tf: tfjs };
    }
  }
}

/** Directory of the .wasm binaries in node_modules, with a trailing separator (setWasmPaths takes a prefix). */
function wasmDir(): string {
  const require = createRequire(import.meta.url);
  // `main` is dist/tf-backend-wasm.node.js, next to the .wasm files.
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

function shortReason(error: unknown): string {
  if ((error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND') return 'not installed';
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
