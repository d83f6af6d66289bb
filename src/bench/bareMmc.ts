import { Engine } from '../engine/engine.js';
import { makeDistribution } from '../random/distributions.js';
import { stream } from '../random/rng.js';
import { LogHistogram } from '../stats/histogram.js';
import { TimeWeighted } from '../stats/timeWeighted.js';

/**
 * The engine's floor on the SimPy bench's model: M/M/c written straight on the engine's public
 * API — Poisson arrivals on a stream lane, service ends on the main heap, a FIFO of waiting
 * arrival times, one wait histogram and one time-weighted busy level — with none of the fleet's
 * session table, tiers, placement, start-latency metrics or per-interval rows. Not a product
 * path: it shows what the engine, its heap and the draws cost a customer, against which the
 * fleet model's own cost is read (README, Performance). Same rates as the bench: c = 100,
 * λ = 80/s, mean service 1 s, `untilS` (12,500 s: ~1M customers). Run in a fresh process so the
 * JIT is as cold as in `tidecast run`.
 */
export function bareMmcCase(untilS = 12_500, servers = 100, ratePerS = 80, meanS = 1): Record<string, number> {
  const e = new Engine();
  const gap = makeDistribution({ kind: 'exponential', mean: 1 / ratePerS }, stream(1, 0, 'arrivals'));
  const service = makeDistribution({ kind: 'exponential', mean: meanS }, stream(1, 0, 'service'));
  // waiting customers' arrival times, a ring (power-of-two size, grown when full)
  let ring = new Float64Array(1024);
  let head = 0;
  let size = 0;
  const wait = new LogHistogram();
  const busy = new TimeWeighted();
  const lane = e.stream();
  let busyNow = 0;
  let arrived = 0;
  let completed = 0;
  let nextT = 0;
  const model = {
    arrive(): void {
      const now = e.now;
      arrived++;
      nextT += gap.sample();
      if (nextT < untilS) e.inStream(lane, nextT, kArrive, 0);
      if (busyNow < servers) {
        busy.set(now, ++busyNow);
        wait.record(0);
        e.after(service.sample(), kEnd, 0);
        return;
      }
      if (size === ring.length) {
        const bigger = new Float64Array(ring.length * 2);
        for (let i = 0; i < size; i++) bigger[i] = ring[(head + i) & (ring.length - 1)];
        ring = bigger;
        head = 0;
      }
      ring[(head + size++) & (ring.length - 1)] = now;
    },
    end(): void {
      const now = e.now;
      completed++;
      if (size > 0) {
        wait.record(now - ring[head]);
        head = (head + 1) & (ring.length - 1);
        size--;
        e.after(service.sample(), kEnd, 0);
      } else busy.set(now, --busyNow);
    },
  };
  const kArrive = e.on(() => model.arrive());
  const kEnd = e.on(() => model.end());
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  nextT = gap.sample();
  e.inStream(lane, nextT, kArrive, 0);
  e.run(untilS);
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { loopWallS: wallS, loopCpuS: (c.user + c.system) / 1e6, events: e.events, arrived, completed, meanWaitS: wait.mean, utilisation: busy.integral(untilS) / untilS / servers };
}
