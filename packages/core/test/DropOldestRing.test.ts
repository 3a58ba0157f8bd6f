import { describe, expect, it } from 'vitest';
import { DropOldestRing } from '../src/operators/DropOldestRing.js';

describe('DropOldestRing', () => {
  it('keeps the newest `size` entries in order and reports each drop with the running total', () => {
    const ring = new DropOldestRing<number>(3);
    const dropped: Array<[number, number]> = [];
    for (let i = 1; i <= 5; i++) ring.push(i, (value, total) => dropped.push([value, total]));
    expect(dropped).toEqual([[1, 1], [2, 2]]);
    expect(ring.length).toBe(3);
    expect(ring.drain()).toEqual([3, 4, 5]);
    expect(ring.length).toBe(0);
    expect(ring.droppedTotal).toBe(2);
  });

  it('interleaves push and shift across the wrap-around like a queue', () => {
    const ring = new DropOldestRing<number>(2);
    const reference: number[] = [];
    for (let i = 0; i < 50; i++) {
      ring.push(i);
      reference.push(i);
      if (reference.length > 2) reference.shift();
      if (i % 3 === 0) expect(ring.shift()).toBe(reference.shift());
      expect(ring.length).toBe(reference.length);
    }
    expect(ring.drain()).toEqual(reference);
    expect(ring.shift()).toBeUndefined();
  });
});
