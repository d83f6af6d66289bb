import { describe, expect, it } from 'vitest';
import { simulate } from '../helpers.js';

describe('node pools and the node autoscaler', () => {
  it('grows to the demand: 1,000 concurrent sessions on 100-slot nodes settle near 10 nodes, never above max', () => {
    const [r] = simulate(`
seed: 3
duration: 3000
warmup: 1000
workload:
  arrivals: { poisson: { rate: 10/s } }
  sessionDuration: 100s
infrastructure:
  reserved:
    coldStart: 1s
    nodes: { min: 1, max: 30, slotsPerNode: 100, provision: 60s, scaleInAfter: 5m, costPerNodeHour: 3 }
  overflow: { waitTimeout: never }
`);
    const m = r.metrics as any;
    // demand is ~1,010 slots (1,000 running + 10 cold-starting): 11 nodes, with a little churn
    expect(m.nodes.mean).toBeGreaterThan(10.1);
    expect(m.nodes.mean).toBeLessThan(12.5);
    expect(m.nodes.peak).toBeLessThanOrEqual(30);
    expect(m.capacity.reservedBusy.peak).toBeLessThanOrEqual(m.nodes.peak * 100);
    // billed per node-hour over the 2,000 s window
    expect(m.cost.reserved).toBeCloseTo((m.nodes.mean * 2000 * 3) / 3600, 6);
    expect(m.sessions.arrived).toBe(m.sessions.completed + m.sessions.inFlight + m.sessions.rejected + m.sessions.lost);
  });

  it('spareSlots keeps that many slots free ahead of demand: the same load queues less, on more nodes', () => {
    const run = (spare: number) =>
      simulate(`
seed: 3
duration: 3000
warmup: 1000
workload:
  arrivals: { poisson: { rate: 10/s } }
  sessionDuration: { exponential: { mean: 100s } }
infrastructure:
  reserved:
    coldStart: 1s
    nodes: { min: 1, max: 30, slotsPerNode: 100, spareSlots: ${spare}, provision: 60s, scaleInAfter: 5m, costPerNodeHour: 3 }
  overflow: { waitTimeout: never }
`)[0].metrics as any;
    const none = run(0);
    const spare = run(250);
    // ~1,010 slots busy: with 250 spare the autoscaler holds ≥ 1,260 slots (13 nodes), and never removes a node it needs for the spare
    expect(spare.nodes.mean).toBeGreaterThan(12.6);
    expect(spare.nodes.mean - none.nodes.mean).toBeGreaterThan(1.5);
    expect(spare.nodes.mean - none.nodes.mean).toBeLessThan(4);
    expect(spare.sessions.queued).toBeLessThan(none.sessions.queued / 5);
  });

  it('a burst is served after the provision delay, and its nodes are removed after scaleInAfter', () => {
    const [r] = simulate(`
seed: 1
duration: 2000
workload:
  arrivals: { poisson: { rate: 0.1/s } }
  sessionDuration: 10s
  fanout: { at: [105], size: 2000, cloneLatency: 1s, duration: 300s }
infrastructure:
  reserved:
    nodes: { min: 1, max: 50, slotsPerNode: 100, provision: 45s, scaleInAfter: 2m, scanInterval: 10s }
`);
    const m = r.metrics as any;
    // the first scan after the fan-out (t = 110) asks for 20 nodes, ready 45 s later: completion = 5 + 45 + 1 s
    expect(m.fanout.completion.mean).toBeCloseTo(51, 6);
    expect(m.nodes.added).toBe(20);
    // 300 s later the clones end; after 2 minutes of free nodes, all but min are gone
    expect(m.nodes.removed).toBe(20);
  });
});

describe('start-up accelerations', () => {
  const burst = (nodes: string) =>
    (simulate(`
seed: 1
duration: 600
workload:
  arrivals: { poisson: { rate: 0.01/s } }
  sessionDuration: 10s
  fanout: { at: [105], size: 2000, cloneLatency: 1s, duration: 300s }
infrastructure:
  reserved:
    nodes: { min: 1, max: 50, slotsPerNode: 100, provision: 60s${nodes} }
`)[0].metrics as any).fanout.completion.mean;

  it('pre-packed images cut node initialisation by 60%; a disk snapshot replaces it with snapshotInit', () => {
    // the fan-out at 105 s is seen by the scan at 110 s; completion = 5 s + node init + 1 s clone
    expect(burst('')).toBeCloseTo(5 + 60 + 1, 6);
    expect(burst(', prepackedImages: true')).toBeCloseTo(5 + 24 + 1, 6);
    expect(burst(', diskSnapshot: true')).toBeCloseTo(5 + 15 + 1, 6);
    expect(burst(', diskSnapshot: true, snapshotInit: 8s, prepackedImages: true')).toBeCloseTo(5 + 3.2 + 1, 6);
  });

  it('an image cache removes the image pull, pre-attached network interfaces the pod-network wait', () => {
    const cold = (flags: string) =>
      (simulate(`
duration: 300
workload:
  arrivals: { poisson: { rate: 1/s } }
  sessionDuration: 5s
infrastructure:
  reserved: { slots: unlimited, coldStart: 10s, coldStartParts: { imagePull: 6s, podNetwork: 2s }${flags} }
`)[0].metrics as any).startLatency.max;
    expect(cold('')).toBeCloseTo(10, 6);
    expect(cold(', imageCache: true')).toBeCloseTo(4, 6);
    expect(cold(', eniPrewarm: true')).toBeCloseTo(8, 6);
    expect(cold(', imageCache: true, eniPrewarm: true')).toBeCloseTo(2, 6);
  });
});
