import { describe, expect, it } from 'vitest';
import { sliceable, sliceSets, steepestRiseStart } from '../../src/compare/proxySlice.js';
import { loadScenario } from '../../src/scenario/load.js';

describe('proxySlice', () => {
  const peak = loadScenario('scenarios/kimi-peak.yaml', []);
  it('finds the stretch where a tidal rate rises most: a quarter period before the peak', () => {
    // kimi-peak: 60 → 540/s, peak at 14 h of a 24 h day: the cosine rises fastest at 8 h
    expect(steepestRiseStart(peak, 3600)).toBe(7.5 * 3600);
    expect(steepestRiseStart(peak, 7200)).toBe(7 * 3600);
    // the clock moved by startAt moves it back
    const shifted = loadScenario('scenarios/kimi-peak.yaml', ['workload.arrivals.tidal.startAt=6h']);
    expect(steepestRiseStart(shifted, 3600)).toBe(1.5 * 3600);
  });
  it('cuts the scenario by its clock: duration, a twelfth warm-up, startAt moved', () => {
    expect(sliceSets(peak, 27000, 3600)).toEqual(['duration=3600', 'warmup=300', 'workload.arrivals.tidal.startAt=27000']);
    expect(sliceSets(peak, 0, 7200)).toEqual(['duration=7200', 'warmup=600']);
    const s = loadScenario('scenarios/kimi-peak.yaml', sliceSets(peak, 27000, 3600));
    expect(s.workload.arrivals.tidal!.startAt).toBe(27000);
    expect(sliceable(peak)).toBe(true);
  });
  it('a flat profile: the start; a scenario no longer than the slice: the start', () => {
    const flat = loadScenario('scenarios/kimi-peak.yaml', ['workload.arrivals={ poisson: { rate: 100/s } }']);
    expect(steepestRiseStart(flat, 3600)).toBe(0);
    expect(steepestRiseStart(peak, 86400)).toBe(0);
  });
});
