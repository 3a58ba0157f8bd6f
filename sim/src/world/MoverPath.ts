/**
 * Position along a polyline at time t: still before `start`, then at `speed`; at the end it stops, or
 * with `loop` walks back and forth (a pedestrian pacing a crossing). Writes x, y, heading, vx, vy.
 */
export class MoverPath {
  private readonly cumulative: Float64Array;
  readonly length: number;

  constructor(
    private readonly points: readonly (readonly [number, number])[],
    private readonly speed: number,
    private readonly start: number,
    private readonly loop: boolean,
  ) {
    this.cumulative = new Float64Array(points.length);
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1] as readonly [number, number];
      const b = points[i] as readonly [number, number];
      this.cumulative[i] = (this.cumulative[i - 1] as number) + Math.hypot(b[0] - a[0], b[1] - a[1]);
    }
    this.length = this.cumulative[points.length - 1] as number;
  }

  at(t: number, out: { x: number; y: number; yaw: number; vx: number; vy: number }): void {
    let s = Math.max(0, t - this.start) * this.speed;
    let direction = t > this.start ? 1 : 0;
    if (this.loop && this.length > 0) {
      const period = 2 * this.length;
      s %= period;
      if (s > this.length) {
        s = period - s;
        direction = -direction;
      }
    } else if (s >= this.length) {
      s = this.length;
      direction = 0;
    }
    let i = 1;
    while (i < this.points.length - 1 && (this.cumulative[i] as number) < s) i++;
    const a = this.points[i - 1] as readonly [number, number];
    const b = this.points[i] as readonly [number, number];
    const segment = (this.cumulative[i] as number) - (this.cumulative[i - 1] as number);
    const f = segment > 0 ? (s - (this.cumulative[i - 1] as number)) / segment : 0;
    const ux = segment > 0 ? (b[0] - a[0]) / segment : 0;
    const uy = segment > 0 ? (b[1] - a[1]) / segment : 0;
    out.x = a[0] + f * (b[0] - a[0]);
    out.y = a[1] + f * (b[1] - a[1]);
    out.yaw = Math.atan2(uy * (direction || 1), ux * (direction || 1));
    out.vx = ux * this.speed * direction;
    out.vy = uy * this.speed * direction;
  }
}
