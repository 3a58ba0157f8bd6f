import { Matrix4, Quaternion, Vector3 } from 'three';

interface Transform {
  parent: string;
  matrix: Matrix4;
}

interface TfMessage {
  transforms: { header: { frame_id: string }; child_frame_id: string; transform: { translation: { x: number; y: number; z: number }; rotation: { x: number; y: number; z: number; w: number } } }[];
}

const strip = (frame: string): string => frame.replace(/^\//, '');

/** Latest transform per child frame (tf and tf_static), composed up to a fixed frame on request. */
export class TfTree {
  readonly #byChild = new Map<string, Transform>();
  readonly #q = new Quaternion();
  readonly #t = new Vector3();
  readonly #one = new Vector3(1, 1, 1);

  add(message: TfMessage): void {
    for (const tf of message.transforms) {
      const child = strip(tf.child_frame_id);
      let entry = this.#byChild.get(child);
      if (entry === undefined) {
        entry = { parent: '', matrix: new Matrix4() };
        this.#byChild.set(child, entry);
      }
      entry.parent = strip(tf.header.frame_id);
      const { translation: t, rotation: r } = tf.transform;
      entry.matrix.compose(this.#t.set(t.x, t.y, t.z), this.#q.set(r.x, r.y, r.z, r.w), this.#one);
    }
  }

  /** Writes `fixed ← frame` into `out`; false when the chain is incomplete. */
  lookup(fixed: string, frame: string, out: Matrix4): boolean {
    out.identity();
    let current = strip(frame);
    for (let depth = 0; depth < 32; depth++) {
      if (current === fixed) return true;
      const entry = this.#byChild.get(current);
      if (entry === undefined) return false;
      out.premultiply(entry.matrix);
      current = entry.parent;
    }
    return false;
  }
}
