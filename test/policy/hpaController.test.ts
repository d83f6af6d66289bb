import { describe, expect, it } from 'vitest';
import { DEFAULT_HPA_BEHAVIOR, HpaController, hpaBehavior } from '../../src/policy/hpaController.js';

/** The HPA controller on one AverageValue External metric, against numbers worked from the Kubernetes sources and docs. */
const run = (h: HpaController, start: number, metrics: number[]) => {
  let n = start;
  return metrics.map((m, i) => (n = h.sync(i * 15, n, m)));
};

describe('HpaController', () => {
  it('desired = ceil(metric / target per pod) outside the tolerance (the docs\' 50 replicas at 90 against 75: 60)', () => {
    expect(new HpaController(1, 1000).sync(0, 50, 90 * 50, 75)).toBe(60);
  });

  it('the 10% tolerance: a move within it of the current replicas is not applied, either way', () => {
    const h = () => new HpaController(1, 100000);
    expect(h().sync(0, 1000, 1100)).toBe(1000); // ratio 1.1: within
    expect(h().sync(0, 1000, 1101)).toBe(1101);
    expect(h().sync(0, 1000, 900)).toBe(1000); // ratio 0.9: within
    expect(h().sync(0, 1000, 899)).toBe(899);
    const zero = hpaBehavior({ scaleUp: { tolerance: 0 }, scaleDown: { tolerance: 0 } });
    expect(new HpaController(1, 100000, zero).sync(0, 1000, 1001)).toBe(1001);
    expect(new HpaController(1, 100000, zero).sync(0, 1000, 999)).toBe(999);
    // per direction: 5% down, none up
    const split = hpaBehavior({ scaleUp: { tolerance: 0 }, scaleDown: { tolerance: 0.05 } });
    expect(new HpaController(1, 100000, split).sync(0, 1000, 1001)).toBe(1001);
    expect(new HpaController(1, 100000, split).sync(0, 1000, 951)).toBe(1000);
  });

  it('default scale-up: the larger of +100% and +4 pods per 15 s, from the replicas at the period\'s start', () => {
    expect(run(new HpaController(1, 20000), 50, Array(7).fill(2300))).toEqual([100, 200, 400, 800, 1600, 2300, 2300]);
    expect(run(new HpaController(1, 20000), 2, [100, 100])).toEqual([6, 12]);
    // syncs every 5 s: the period's start is 15 s back, so three syncs share one doubling
    const h = new HpaController(1, 20000);
    let n = 100;
    const seen = [0, 5, 10, 15, 20].map((t) => (n = h.sync(t, n, 1000)));
    expect(seen).toEqual([200, 200, 200, 400, 400]);
  });

  it('default scale-down: the highest recommendation of the last 300 s, then 100% per 15 s', () => {
    const h = new HpaController(1, 20000);
    let n = 1000;
    const at = (t: number, m: number) => (n = h.sync(t, n, m));
    expect(at(0, 1000)).toBe(1000);
    expect(at(15, 500)).toBe(1000); // 1000 recommended 15 s ago
    expect(at(295, 500)).toBe(1000);
    expect(at(300, 500)).toBe(500); // the t=0 recommendation is no longer strictly inside the window
  });

  it('the behaviour in deploy/overlays/keda (Percent 1000 or Pods 20000 per 15 s, no windows) follows the metric at once', () => {
    const b = hpaBehavior({
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 1000, periodSeconds: 15 }, { type: 'Pods', value: 20000, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 0 },
    });
    expect(run(new HpaController(50, 20000, b), 50, [2300, 500, 30000, 40])).toEqual([2300, 500, 20000, 50]);
  });

  it('min/max, Disabled and Min policies', () => {
    expect(new HpaController(50, 200).sync(0, 20, 100)).toBe(50);
    expect(new HpaController(50, 200).sync(0, 300, 100)).toBe(200);
    const off = hpaBehavior({ scaleUp: { selectPolicy: 'Disabled' } });
    expect(new HpaController(1, 1000, off).sync(0, 10, 100)).toBe(10);
    const minUp = hpaBehavior({ scaleUp: { selectPolicy: 'Min' } }); // smaller of +4 and +100%
    expect(new HpaController(1, 1000, minUp).sync(0, 10, 100)).toBe(14);
    expect(DEFAULT_HPA_BEHAVIOR.scaleDown.stabilizationWindowSeconds).toBe(300);
  });
});
