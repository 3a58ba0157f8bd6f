/**
 * On/off state of the LiDAR point encoder from the gate's probability, with hysteresis so a probability
 * hovering near one threshold does not toggle the costly encoder every step.
 */
export class PointEncoderSwitch {
  private on = false;

  constructor(
    readonly onAbove = 0.6,
    readonly offBelow = 0.4,
  ) {}

  get isOn(): boolean {
    return this.on;
  }

  /** Feeds one probability; returns the new state. NaN keeps the current state. */
  update(probability: number): boolean {
    if (!this.on && probability >= this.onAbove) this.on = true;
    else if (this.on && probability <= this.offBelow) this.on = false;
    return this.on;
  }

  reset(): this {
    this.on = false;
    return this;
  }
}
