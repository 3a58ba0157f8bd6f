import { readdir, stat } from 'node:fs/promises';
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

/** Newest modification time under `dir` (ms), 0 when it does not exist. */
async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? await newestMtime(full) : (await stat(full)).mtimeMs);
  }
  return newest;
}

/**
 * The viewer directory, built first if its index.html is missing or older than a viewer source (so a
 * fresh clone and an edited viewer both get a current build; a prebuilt viewer without sources is kept).
 */
export async function ensureViewerBuilt(options: { outDir?: string } = {}): Promise<string> {
  const outDir = options.outDir ?? DEFAULT_VIEWER_DIR;
  let builtAt = -1;
  try {
    builtAt = (await stat(path.join(outDir, 'index.html'))).mtimeMs;
  } catch {
    builtAt = -1;
  }
  if (builtAt >= 0 && (await newestMtime(VIEWER_SOURCE_DIR)) <= builtAt) return outDir;
  building ??= buildViewer({ outDir }).finally(() => {
    building = undefined;
  });
  return building;
}
