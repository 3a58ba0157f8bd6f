import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Viewer sources (Vite root) and the default output directory. */
export const VIEWER_SOURCE_DIR = path.join(PACKAGE_ROOT, 'viewer');
export const DEFAULT_VIEWER_DIR = path.join(PACKAGE_ROOT, 'dist-viewer');

let building: Promise<string> | undefined;

/**
 * Builds the browser viewer with Vite into `outDir` (default packages/viz/dist-viewer). Vite is
 * imported lazily, so servers started on a prebuilt viewer never load it. Concurrent calls share one build.
 */
export async function buildViewer(options: { outDir?: string } = {}): Promise<string> {
  const outDir = options.outDir ?? DEFAULT_VIEWER_DIR;
  const { build } = await import('vite');
  await build({
    root: VIEWER_SOURCE_DIR,
    base: './',
    logLevel: 'warn',
    configFile: false,
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: false },
  });
  return outDir;
}

/** The viewer directory, built first if its index.html is missing. */
export async function ensureViewerBuilt(options: { outDir?: string } = {}): Promise<string> {
  const outDir = options.outDir ?? DEFAULT_VIEWER_DIR;
  try {
    await access(path.join(outDir, 'index.html'));
    return outDir;
  } catch {
    building ??= buildViewer({ outDir }).finally(() => {
      building = undefined;
    });
    return building;
  }
}
