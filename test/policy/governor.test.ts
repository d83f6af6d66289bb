import { describe, expect, it } from 'vitest';
import { Governor, NO_LIMITS } from '../../src/policy/governor.js';

describe('Governor (the safety layer between a policy and the published target)', () => {
  it('with no limits passes the rounded proposal through (as the simulator does)', () => {
    const g = new Governor(NO_LIMITS, 7);
    expect(g.step(15, 12.4).target).toBe(12);
    expect(g.step(30, 3).target).toBe(3);
    expect(g.step(45, 0).target).toBe(0);
  });

  it('bounds and step limits: hand-computed', () => {
    const g = new Governor({ ...NO_LIMITS, min: 5, max: 100, maxStepUp: 20, maxStepDown: 10 }, 50);
    expect(g.step(15, 200).target).toBe(70); // +20 at most
    expect(g.step(30, 200).target).toBe(90);
    expect(g.step(45, 200).target).toBe(100); // max
    expect(g.step(60, 0).target).toBe(90); // −10 at most
    expect(g.step(75, 85).target).toBe(85);
    const h = new Governor({ ...NO_LIMITS, min: 5 }, 0);
    expect(h.target).toBe(5);
    expect(h.step(15, 1).target).toBe(5);
  });

  it('scale-down stabilisation keeps the highest proposal of the window; scale-up is immediate', () => {
    const g = new Governor({ ...NO_LIMITS, scaleDownStabilizationS: 60 }, 10);
    expect(g.step(15, 40).target).toBe(40);
    expect(g.step(30, 20).target).toBe(40); // 40 was proposed 15 s ago
    expect(g.step(60, 25).target).toBe(40); // still within 60 s of t=15
    expect(g.step(75, 22).target).toBe(25); // t=15 left the window (75−60 = 15 ≤ 15): max(20@30, 25@60, 22@75) = 25
    expect(g.step(90, 50).target).toBe(50);
  });

  it('missing data: holds the last good target (never lower), then raises it to the floor after floorAfter', () => {
    const g = new Governor({ ...NO_LIMITS, floor: 30, floorAfterS: 60 }, 0);
    expect(g.step(0, 12).target).toBe(12);
    const held = g.step(15, NaN);
    expect(held).toEqual({ target: 12, reason: 'hold', sinceGoodS: 15 });
    expect(g.step(45, NaN).target).toBe(12);
    expect(g.step(60, NaN)).toEqual({ target: 30, reason: 'floor', sinceGoodS: 60 });
    // a floor below the held target never lowers it
    const h = new Governor({ ...NO_LIMITS, floor: 5, floorAfterS: 60 }, 0);
    h.step(0, 80);
    expect(h.step(600, NaN).target).toBe(80);
    // good data again: the policy decides
    expect(g.step(75, 8).target).toBe(8);
  });
});

describe('Governor at start-up', () => {
  it('with no data ever, the floor applies floorAfter after the first decision, not at once', () => {
    const g = new Governor({ ...NO_LIMITS, floor: 30, floorAfterS: 60 }, 10);
    expect(g.step(1000, NaN)).toEqual({ target: 10, reason: 'hold', sinceGoodS: 0 });
    expect(g.step(1045, NaN).target).toBe(10);
    expect(g.step(1060, NaN)).toEqual({ target: 30, reason: 'floor', sinceGoodS: 60 });
  });
});
