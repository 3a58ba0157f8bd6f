import type { TFMessage } from '@sensorium/core';

interface Edge {
  parent: string;
  /** Translation of the child's origin in the parent frame. */
  t: Float64Array;
  /** Rotation (child → parent) as a row-major 3×3 matrix. */
  r: Float64Array;
}

/**
 * The newest transform of every frame to its parent, from `tf` and `tf_static`, and their composition
 * along the tree: what a node needs to put a sensor's data into `base_link` (sensor mounts are static, so
 * the newest transform is the one at the data's stamp). No history, no interpolation: for moving frames
 * (odom → base_link) use a time-indexed buffer.
 *
 * ```ts
 * const frames = new FrameTree();
 * tfStatic$.subscribe((m) => frames.add(m));
 * const cameraToBase = new Float64Array(12);
 * if (frames.lookup('base_link', 'camera_optical_frame', cameraToBase)) { ... }
 * ```
 * A transform is 12 numbers: the row-major 3×3 rotation (source → target), then the translation.
 */
export class FrameTree {
  private readonly edges = new Map<string, Edge>();
  private readonly scratch = new Float64Array(12);

  /** Takes every transform of a TFMessage (allocates only for a frame seen the first time). */
  add(msg: TFMessage): void {
    for (const tr of msg.transforms) {
      let edge = this.edges.get(tr.child_frame_id);
      if (edge === undefined) {
        edge = { parent: tr.header.frame_id, t: new Float64Array(3), r: new Float64Array(9) };
        this.edges.set(tr.child_frame_id, edge);
      }
      edge.parent = tr.header.frame_id;
      const { translation: p, rotation: q } = tr.transform;
      edge.t[0] = p.x;
      edge.t[1] = p.y;
      edge.t[2] = p.z;
      quaternionToMatrix(q.x, q.y, q.z, q.w, edge.r);
    }
  }

  /**
   * The transform taking points in `source` to `target`, into `out` (12 numbers, see the class); false when
   * `target` is not `source` or one of its ancestors in what has arrived so far.
   */
  lookup(target: string, source: string, out: Float64Array): boolean {
    // out = identity, then walk up: out = edge ∘ out at each step.
    out.fill(0);
    out[0] = 1;
    out[4] = 1;
    out[8] = 1;
    let frame = source;
    for (let hops = 0; frame !== target; hops++) {
      const edge = this.edges.get(frame);
      if (edge === undefined || hops > 64) return false;
      const s = this.scratch;
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) s[3 * i + j] = edge.r[3 * i]! * out[j]! + edge.r[3 * i + 1]! * out[3 + j]! + edge.r[3 * i + 2]! * out[6 + j]!;
        s[9 + i] = edge.r[3 * i]! * out[9]! + edge.r[3 * i + 1]! * out[10]! + edge.r[3 * i + 2]! * out[11]! + edge.t[i]!;
      }
      out.set(s);
      frame = edge.parent;
    }
    return true;
  }
}

function quaternionToMatrix(x: number, y: number, z: number, w: number, r: Float64Array): void {
  const n = Math.hypot(x, y, z, w) || 1;
  x /= n;
  y /= n;
  z /= n;
  w /= n;
  r[0] = 1 - 2 * (y * y + z * z);
  r[1] = 2 * (x * y - z * w);
  r[2] = 2 * (x * z + y * w);
  r[3] = 2 * (x * y + z * w);
  r[4] = 1 - 2 * (x * x + z * z);
  r[5] = 2 * (y * z - x * w);
  r[6] = 2 * (x * z - y * w);
  r[7] = 2 * (y * z + x * w);
  r[8] = 1 - 2 * (x * x + y * y);
}
