/** Axis-aligned box in the cloud's frame, metres. */
export interface Box3 {
  min: readonly [number, number, number];
  max: readonly [number, number, number];
}

/**
 * Copies the points of `xyz` (stride 3, `count` points) inside `box` to `out` (may be `xyz` itself: the
 * write index never passes the read index) and returns how many. NaN/±Inf points always fail the
 * comparisons, so they never reach later stages.
 */
export function cropBox(xyz: Float32Array, count: number, box: Box3, out: Float32Array): number {
  const [x0, y0, z0] = box.min;
  const [x1, y1, z1] = box.max;
  let n = 0;
  for (let i = 0, j = 0; i < count; i++, j += 3) {
    const x = xyz[j]!;
    const y = xyz[j + 1]!;
    const z = xyz[j + 2]!;
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && z >= z0 && z <= z1) {
      const k = n * 3;
      out[k] = x;
      out[k + 1] = y;
      out[k + 2] = z;
      n++;
    }
  }
  return n;
}
