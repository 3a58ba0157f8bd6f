import { config } from 'rxjs';

type Listener = (error: unknown) => void;

const listeners = new Set<Listener>();
let installed = false;

/**
 * Makes sure an error rxjs could not deliver (a subscriber threw outside a guarded stream) never crashes
 * the process: rxjs 7 rethrows those on a timer unless `config.onUnhandledError` is set. A handler that
 * was already installed by someone else keeps being called.
 */
export function installUnhandledErrorHandler(): void {
  if (installed) return;
  installed = true;
  const previous = config.onUnhandledError;
  config.onUnhandledError = (error: unknown) => {
    if (listeners.size === 0 && previous == null) {
      console.error('[sensorium] unhandled error in an rxjs subscriber:', error);
    }
    for (const listener of listeners) {
      try {
        listener(error);
      } catch {
        // A failing listener must not take the others (or the process) down.
      }
    }
    previous?.(error);
  };
}

/** Hears errors rxjs could not deliver. Returns the function that removes the listener. */
export function addUnhandledErrorListener(listener: Listener): () => void {
  installUnhandledErrorHandler();
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
