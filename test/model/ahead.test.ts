import { describe, expect, it } from 'vitest';
import type { DistributionSpec } from '../../src/random/distributions.js';

// Samplers drawing ahead run on the engine's helper thread, a worker module: these use the build (npm test builds first).
const D = '../../dist';

describe('samplers drawing ahead on the helper thread', () => {
  it("give exactly the draws of the sampler drawn in place, in order, well past the ring's size", async () => {
    const { Engine } = (await import(`${D}/engine/engine.js`)) as typeof import('../../src/engine/engine.js');
    const { Ahead } = (await import(`${D}/model/ahead.js`)) as typeof import('../../src/model/ahead.js');
    const { makeDistribution } = (await import(`${D}/random/distributions.js`)) as typeof import('../../src/random/distributions.js');
    const { Rng } = (await import(`${D}/random/rng.js`)) as typeof import('../../src/random/rng.js');
    const engine = new Engine({ helper: true });
    const helper = engine.helperThread()!;
    expect(helper).not.toBeNull();
    const specs: DistributionSpec[] = [
      { kind: 'lognormal', mu: 0.7, sigma: 0.6 },
      { kind: 'exponential', mean: 2 },
      { kind: 'gamma', shape: 0.5, scale: 3 },
      { kind: 'empirical', values: [1, 2, 3, 5, 8] },
    ];
    try {
      const ahead = specs.map((spec, i) => new Ahead(helper, { kind: 'distribution', spec, seed: 1000 + i }));
      const inPlace = specs.map((spec, i) => makeDistribution(spec, new Rng(1000 + i)));
      // 70,000 draws each, interleaved unevenly (the rings hold 16,384): every one equal
      let mismatches = 0;
      for (let n = 0; n < 70_000; n++) {
        for (let k = 0; k < specs.length; k++) {
          for (let r = 0; r <= (k & 1); r++) if (ahead[k].sample() !== inPlace[k].sample()) mismatches++;
        }
      }
      expect(mismatches).toBe(0);
      expect(ahead.map((a) => a.mean)).toEqual(inPlace.map((d) => d.mean));
      expect(ahead.every((a) => !a.fixed)).toBe(true);
    } finally {
      engine.close();
    }
  });

  it("give a rate curve's arrival times exactly, continuing from where the curve stood", async () => {
    const { Engine } = (await import(`${D}/engine/engine.js`)) as typeof import('../../src/engine/engine.js');
    const { Ahead } = (await import(`${D}/model/ahead.js`)) as typeof import('../../src/model/ahead.js');
    const { Rng } = (await import(`${D}/random/rng.js`)) as typeof import('../../src/random/rng.js');
    const { RateCurveArrivals } = (await import(`${D}/workload/arrivals.js`)) as typeof import('../../src/workload/arrivals.js');
    const rates = Float64Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? 0 : 5 + 3 * Math.sin(i)));
    const make = () => new RateCurveArrivals(rates, 60, new Rng(42), true);
    const inPlace = make();
    const handed = make();
    for (let n = 0; n < 1000; n++) expect(handed.next()).toBe(inPlace.next()); // some drawn before the hand-over
    const engine = new Engine({ helper: true });
    try {
      const ahead = new Ahead(engine.helperThread()!, { kind: 'rateCurve', state: handed.snapshot() });
      let mismatches = 0;
      let last = 0;
      for (let n = 0; n < 60_000; n++) {
        const t = ahead.next();
        if (t !== inPlace.next() || !(t >= last)) mismatches++;
        last = t;
      }
      expect(mismatches).toBe(0);
      expect(last).toBeGreaterThan(2 * 50 * 60); // looped the curve at least twice
      expect(ahead.durationS).toBeNaN();
    } finally {
      engine.close();
    }
  });

  it('continue in place with exactly the same draws when the helper is dropped mid-stream (samplers and a rate curve)', async () => {
    const { Engine } = (await import(`${D}/engine/engine.js`)) as typeof import('../../src/engine/engine.js');
    const { Ahead } = (await import(`${D}/model/ahead.js`)) as typeof import('../../src/model/ahead.js');
    const { makeDistribution } = (await import(`${D}/random/distributions.js`)) as typeof import('../../src/random/distributions.js');
    const { Rng } = (await import(`${D}/random/rng.js`)) as typeof import('../../src/random/rng.js');
    const { RateCurveArrivals } = (await import(`${D}/workload/arrivals.js`)) as typeof import('../../src/workload/arrivals.js');
    const specs: DistributionSpec[] = [
      { kind: 'lognormal', mu: 0.7, sigma: 0.6 },
      { kind: 'exponential', mean: 2 },
      { kind: 'gamma', shape: 0.5, scale: 3 },
      { kind: 'uniform', min: 1, max: 4 },
    ];
    const rates = Float64Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? 0 : 5 + 3 * Math.sin(i)));
    // dropped after 0 draws, mid-chunk, on a chunk boundary, and past the ring's size (16,384)
    for (const dropAfter of [0, 1000, 4096, 40_001]) {
      const engine = new Engine({ helper: true });
      const helper = engine.helperThread()!;
      try {
        const ahead = specs.map((spec, i) => new Ahead(helper, { kind: 'distribution', spec, seed: 77 + i }));
        const inPlace = specs.map((spec, i) => makeDistribution(spec, new Rng(77 + i)));
        const curve = new Ahead(helper, { kind: 'rateCurve', state: new RateCurveArrivals(rates, 60, new Rng(5), true).snapshot() });
        const curveInPlace = new RateCurveArrivals(rates, 60, new Rng(5), true);
        let mismatches = 0;
        for (let n = 0; n < 60_000; n++) {
          if (n === dropAfter) engine.dropHelper();
          for (let k = 0; k < specs.length; k++) if (ahead[k].sample() !== inPlace[k].sample()) mismatches++;
          if (curve.next() !== curveInPlace.next()) mismatches++;
        }
        expect(mismatches).toBe(0);
        expect(engine.helping).toBe(false);
      } finally {
        engine.close();
      }
    }
  });

  it('an engine without a helper has none to give', async () => {
    const { Engine } = await import('../../src/engine/engine.js');
    expect(new Engine().helperThread()).toBeNull();
  });
});
