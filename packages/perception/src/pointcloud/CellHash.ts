/**
 * Open-addressing hash from integer cell coordinates (ix, iy, iz) to a dense cell index 0..size-1.
 * Flat typed arrays, grown by doubling and reused across clouds, so the voxel grid and clustering do no
 * per-point allocation (a JS Map keyed by strings is ~10× slower here).
 */
export class CellHash {
  /** Number of distinct cells inserted since the last `reset`. */
  size = 0;
  private mask = 0;
  private slots = new Int32Array(0);
  /** Cell coordinates per dense index. */
  cx = new Int32Array(0);
  cy = new Int32Array(0);
  cz = new Int32Array(0);

  constructor(capacity = 1024) {
    this.reset(capacity);
  }

  /** Empties the table, sized for at least `expectedCells` cells. */
  reset(expectedCells: number): void {
    let cap = 1024;
    while (cap < expectedCells * 2) cap *= 2;
    if (cap > this.slots.length) {
      this.slots = new Int32Array(cap);
      this.cx = new Int32Array(cap >> 1);
      this.cy = new Int32Array(cap >> 1);
      this.cz = new Int32Array(cap >> 1);
    }
    this.mask = this.slots.length - 1;
    this.slots.fill(-1);
    this.size = 0;
  }

  /** Dense index of the cell, inserting it if new. */
  insert(ix: number, iy: number, iz: number): number {
    let s = hash(ix, iy, iz) & this.mask;
    for (;;) {
      const id = this.slots[s]!;
      if (id < 0) break;
      if (this.cx[id] === ix && this.cy[id] === iy && this.cz[id] === iz) return id;
      s = (s + 1) & this.mask;
    }
    if (this.size >= this.cx.length) {
      this.grow();
      return this.insert(ix, iy, iz);
    }
    const id = this.size++;
    this.slots[s] = id;
    this.cx[id] = ix;
    this.cy[id] = iy;
    this.cz[id] = iz;
    return id;
  }

  /** Dense index of the cell or -1. */
  find(ix: number, iy: number, iz: number): number {
    let s = hash(ix, iy, iz) & this.mask;
    for (;;) {
      const id = this.slots[s]!;
      if (id < 0) return -1;
      if (this.cx[id] === ix && this.cy[id] === iy && this.cz[id] === iz) return id;
      s = (s + 1) & this.mask;
    }
  }

  private grow(): void {
    const n = this.size;
    const [x, y, z] = [this.cx.slice(0, n), this.cy.slice(0, n), this.cz.slice(0, n)];
    this.slots = new Int32Array(this.slots.length * 2);
    this.cx = new Int32Array(this.slots.length >> 1);
    this.cy = new Int32Array(this.slots.length >> 1);
    this.cz = new Int32Array(this.slots.length >> 1);
    this.reset(0);
    for (let i = 0; i < n; i++) this.insert(x[i]!, y[i]!, z[i]!);
  }
}

function hash(ix: number, iy: number, iz: number): number {
  return (Math.imul(ix, 73856093) ^ Math.imul(iy, 19349663) ^ Math.imul(iz, 83492791)) >>> 0;
}
