import { CellHash } from './CellHash.js';

/** Largest dense cell table (Int32 entries, 16 MB); beyond it cells are hashed. */
const DENSE_LIMIT = 1 << 22;

export interface ClusterOptions {
  /** Points closer than this (m) join the same cluster. */
  tolerance: number;
  minPoints: number;
  maxPoints: number;
}

/** Clusters as index lists into the input cloud: cluster c is `members[starts[c] .. starts[c+1])`. */
export interface Clusters {
  count: number;
  starts: Int32Array;
  members: Int32Array;
}

/**
 * Euclidean cluster extraction (PCL `EuclideanClusterExtraction` semantics: connected components of the
 * "within tolerance" graph, clusters outside [minPoints, maxPoints] dropped). Neighbour search uses a
 * grid of cell size = tolerance (a dense table when the occupied box is small, else a hash), so only the
 * 27 surrounding cells are scanned, and points already claimed are swapped out of later scans. Buffers are reused;
 * the returned arrays are valid until the next call.
 */
export class EuclideanClusterer {
  private readonly hash = new CellHash();
  private cellOf = new Int32Array(0);
  private cellStart = new Int32Array(0);
  private order = new Int32Array(0);
  private cursor = new Int32Array(0);
  private queue = new Int32Array(0);
  private nbr = new Int32Array(0);
  private pix = new Int32Array(0);
  private piy = new Int32Array(0);
  private piz = new Int32Array(0);
  private dense = false;
  private grid = new Int32Array(0);
  private gx0 = 0;
  private gy0 = 0;
  private gz0 = 0;
  private gnx = 0;
  private gny = 0;
  private cx = new Int32Array(0);
  private cy = new Int32Array(0);
  private cz = new Int32Array(0);
  private readonly result: Clusters = { count: 0, starts: new Int32Array(1), members: new Int32Array(0) };

  constructor(readonly options: ClusterOptions) {
    if (!(options.tolerance > 0)) throw new RangeError(`cluster tolerance must be > 0, got ${options.tolerance}`);
  }

  /** Clusters the points of `xyz` whose `skip` entry is 0 (all when `skip` is undefined), e.g. skipping ground inliers. */
  extract(xyz: Float32Array, count: number, skip?: Uint8Array): Clusters {
    this.ensure(count);
    const { tolerance, minPoints, maxPoints } = this.options;
    const inv = 1 / tolerance;
    const tol2 = tolerance * tolerance;
    const hash = this.hash;

    const cellOf = this.cellOf;
    // Cell coordinates and their bounds first: when the occupied box is small enough (the usual case after
    // a crop box) cells are found in a dense lookup table, several times faster than hashing.
    const pix = this.pix, piy = this.piy, piz = this.piz;
    let x0 = 2147483647, y0 = 2147483647, z0 = 2147483647, x1 = -2147483648, y1 = -2147483648, z1 = -2147483648;
    let valid = 0;
    for (let i = 0; i < count; i++) {
      const x = xyz[i * 3]!, y = xyz[i * 3 + 1]!, z = xyz[i * 3 + 2]!;
      if ((skip !== undefined && skip[i] !== 0) || !(Math.abs(x) < 1e6 && Math.abs(y) < 1e6 && Math.abs(z) < 1e6)) {
        cellOf[i] = -1;
        continue;
      }
      const ix = Math.floor(x * inv), iy = Math.floor(y * inv), iz = Math.floor(z * inv);
      pix[i] = ix; piy[i] = iy; piz[i] = iz;
      if (ix < x0) x0 = ix;
      if (ix > x1) x1 = ix;
      if (iy < y0) y0 = iy;
      if (iy > y1) y1 = iy;
      if (iz < z0) z0 = iz;
      if (iz > z1) z1 = iz;
      cellOf[i] = 0;
      valid++;
    }
    // one cell of padding on each side so neighbour lookups need no bounds checks
    const nx = x1 - x0 + 3, ny = y1 - y0 + 3, nz = z1 - z0 + 3;
    this.dense = valid > 0 && nx * ny * nz <= DENSE_LIMIT;
    if (this.dense) {
      const size = nx * ny * nz;
      if (this.grid.length < size) this.grid = new Int32Array(Math.min(DENSE_LIMIT, size * 2));
      this.grid.fill(-1, 0, size);
      this.gx0 = x0 - 1; this.gy0 = y0 - 1; this.gz0 = z0 - 1; this.gnx = nx; this.gny = ny;
      if (this.cx.length < valid) {
        this.cx = new Int32Array(valid * 2);
        this.cy = new Int32Array(valid * 2);
        this.cz = new Int32Array(valid * 2);
      }
    } else {
      hash.reset(Math.min(valid, 1 << 20));
    }
    let cells = 0;
    for (let i = 0; i < count; i++) {
      if (cellOf[i]! < 0) continue;
      const ix = pix[i]!, iy = piy[i]!, iz = piz[i]!;
      if (this.dense) {
        const g = ix - this.gx0 + nx * (iy - this.gy0 + ny * (iz - this.gz0));
        let id = this.grid[g]!;
        if (id < 0) {
          id = cells++;
          this.grid[g] = id;
          this.cx[id] = ix; this.cy[id] = iy; this.cz[id] = iz;
        }
        cellOf[i] = id;
      } else {
        cellOf[i] = hash.insert(ix, iy, iz);
      }
    }
    if (!this.dense) cells = hash.size;
    // counting sort of points by cell
    if (this.cellStart.length < cells + 1) this.cellStart = new Int32Array((cells + 1) * 2);
    const cellStart = this.cellStart;
    cellStart.fill(0, 0, cells + 1);
    for (let i = 0; i < count; i++) if (cellOf[i]! >= 0) cellStart[cellOf[i]! + 1]!++;
    for (let c = 0; c < cells; c++) cellStart[c + 1]! += cellStart[c]!;
    const order = this.order;
    const fill = this.queue; // borrowed as a write cursor per cell before the BFS needs it
    for (let c = 0; c < cells; c++) fill[c] = cellStart[c]!;
    for (let i = 0; i < count; i++) {
      const c = cellOf[i]!;
      if (c >= 0) order[fill[c]!++] = i;
    }
    // cellStart[c] .. cellEnd: points of cell c; cursor[c] advances past points already in a cluster
    // (swapped to the front), so each point is claimed once and later scans skip it.
    const cursor = this.cursor;
    for (let c = 0; c < cells; c++) cursor[c] = cellStart[c]!;
    if (this.nbr.length < cells * 28) this.nbr = new Int32Array(cells * 28 * 2);
    const nbr = this.nbr;
    for (let c = 0; c < cells; c++) nbr[c * 28] = -1; // neighbour list not built yet
    const queue = this.queue;
    const res = this.result;
    if (res.members.length < count) res.members = new Int32Array(count);
    let clusters = 0;
    let written = 0;
    const starts: number[] = [0];
    for (let sc = 0; sc < cells; sc++) {
      while (cursor[sc]! < cellStart[sc + 1]!) {
        const seed = order[cursor[sc]!]!;
        cursor[sc]!++;
        let head = 0;
        let tail = 0;
        queue[tail++] = seed;
        while (head < tail) {
          const p = queue[head++]!;
          const px = xyz[p * 3]!, py = xyz[p * 3 + 1]!, pz = xyz[p * 3 + 2]!;
          const c = cellOf[p]!;
          const base = c * 28;
          if (nbr[base] === -1) this.buildNeighbours(c, base);
          for (let k = 1, kn = nbr[base]! + 1; k < kn; k++) {
            const n = nbr[base + k]!;
            const end = cellStart[n + 1]!;
            for (let o = cursor[n]!; o < end; o++) {
              const q = order[o]!;
              const ex = xyz[q * 3]! - px, ey = xyz[q * 3 + 1]! - py, ez = xyz[q * 3 + 2]! - pz;
              if (ex * ex + ey * ey + ez * ez <= tol2) {
                const cur = cursor[n]!;
                order[o] = order[cur]!;
                order[cur] = q;
                cursor[n] = cur + 1;
                queue[tail++] = q;
              }
            }
          }
        }
        if (tail >= minPoints && tail <= maxPoints) {
          res.members.set(queue.subarray(0, tail), written);
          written += tail;
          starts.push(written);
          clusters++;
        }
      }
    }
    if (res.starts.length < starts.length) res.starts = new Int32Array(starts.length * 2);
    res.starts.set(starts);
    res.count = clusters;
    return res;
  }

  /** Ids of the (up to 27) occupied cells around cell c, stored as [n, id…] at nbr[base]. */
  private buildNeighbours(c: number, base: number): void {
    const nbr = this.nbr;
    let k = 0;
    if (this.dense) {
      const { grid, gnx, gny } = this;
      const g0 = this.cx[c]! - this.gx0 + gnx * (this.cy[c]! - this.gy0 + gny * (this.cz[c]! - this.gz0));
      for (let dz = -1; dz <= 1; dz++) {
        for (let dy = -1; dy <= 1; dy++) {
          const row = g0 + gnx * (dy + gny * dz);
          for (let dx = -1; dx <= 1; dx++) {
            const n = grid[row + dx]!;
            if (n >= 0) nbr[base + 1 + k++] = n;
          }
        }
      }
    } else {
      const hash = this.hash;
      const cx = hash.cx[c]!, cy = hash.cy[c]!, cz = hash.cz[c]!;
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          for (let dz = -1; dz <= 1; dz++) {
            const n = hash.find(cx + dx, cy + dy, cz + dz);
            if (n >= 0) nbr[base + 1 + k++] = n;
          }
        }
      }
    }
    nbr[base] = k;
  }

  private ensure(count: number): void {
    if (this.cellOf.length >= count) return;
    this.cellOf = new Int32Array(count);
    this.order = new Int32Array(count);
    this.cursor = new Int32Array(count);
    this.pix = new Int32Array(count);
    this.piy = new Int32Array(count);
    this.piz = new Int32Array(count);
    this.queue = new Int32Array(Math.max(count, 1024));
  }
}
