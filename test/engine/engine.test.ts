import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { EventHeap } from '../../src/engine/heap.js';

describe('Engine', () => {
  it('fires events by time, then priority, then insertion order', () => {
    const e = new Engine();
    const log: string[] = [];
    const k = e.on((id) => log.push(`${e.now}:${id}`));
    e.at(2, k, 1);
    e.at(1, k, 2);
    e.at(2, k, 3, 0);
    e.at(2, k, 4, -1 + 1); // same priority as 1 and 3: insertion order
    e.at(2, k, 5, 1); // lower precedence at equal time
    e.at(1, k, 6);
    e.run(10);
    expect(log).toEqual(['1:2', '1:6', '2:1', '2:3', '2:4', '2:5']);
    expect(e.now).toBe(10);
    expect(e.events).toBe(6);
  });

  it('interleaves fixed-delay lanes with the heap in time order', () => {
    const e = new Engine();
    const log: number[] = [];
    const k = e.on((id) => log.push(id));
    const lane = e.lane(1.5);
    const boot = e.on(() => {
      e.inLane(lane, k, 100); // at 1.5
      e.after(1, k, 1); // at 1
      e.after(2, k, 2); // at 2
      e.inLane(lane, k, 101); // at 1.5, after 100
    });
    e.at(0, boot, 0);
    e.run(Infinity);
    expect(log).toEqual([1, 100, 101, 2]);
    expect(e.now).toBe(2);
  });

  it('stops at the horizon, leaving later events pending', () => {
    const e = new Engine();
    const k = e.on(() => {});
    e.at(5, k, 0);
    e.at(15, k, 0);
    e.run(10);
    expect(e.events).toBe(1);
    expect(e.pending).toBe(1);
    expect(e.now).toBe(10);
  });

  it('refuses to schedule in the past', () => {
    const e = new Engine();
    const k = e.on(() => e.at(0.5, k, 0));
    e.at(1, k, 0);
    expect(() => e.run(2)).toThrow(/cannot schedule/);
  });

  it('property: events scheduled from handlers into every kind of queue fire in (time, priority, sequence) order', () => {
    // The run loop compares the main heap's head with the earliest of the other queues' (cached):
    // pushes that do and do not move that cache, and pops from it, over lanes, streams, extra
    // heaps and calendars of several priorities, against the earliest pending event at each firing.
    const op = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.double({ min: 0, max: 3, noNaN: true }), fc.integer({ min: 0, max: 2 }));
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 3 }), (ops, fanout) => {
        const e = new Engine();
        const lane = e.lane(0.75, 1);
        const stream = e.stream(0);
        const heap = e.heap(2);
        const cal = e.calendar(0.1, 1);
        const queuePriority = [0, 1, 0, 2, 1, 0, 0];
        const fired: [number, number, number][] = [];
        const scheduled: [number, number, number][] = [];
        let seq = 0;
        let next = 0;
        let streamT = 0;
        const pending = new Set<number>();
        const schedule = (): void => {
          if (next >= ops.length) return;
          const [q, d, pr] = ops[next++];
          const id = seq++;
          const now = e.now;
          let t = now + d;
          let prio = queuePriority[q];
          if (q === 0) e.after(d, k, id, pr), (prio = pr);
          else if (q === 1) e.inLane(lane, k, id), (t = now + 0.75);
          else if (q === 2) (t = streamT = Math.max(streamT, now) + d), e.inStream(stream, t, k, id);
          else if (q === 3) e.afterIn(heap, d, k, id);
          else if (q === 4) e.afterIn(cal, d, k, id);
          else e.at(t, k, id, q === 5 ? 0 : 3), (prio = q === 5 ? 0 : 3);
          scheduled[id] = [t, prio, id];
          pending.add(id);
        };
        const before = (x: [number, number, number], y: [number, number, number]) => x[0] < y[0] || (x[0] === y[0] && (x[1] < y[1] || (x[1] === y[1] && x[2] < y[2])));
        const k = e.on((id) => {
          // the event firing is the earliest pending one by (time, priority, sequence)
          for (const o of pending) expect(before(scheduled[o], scheduled[id])).toBe(false);
          expect(e.now).toBe(scheduled[id][0]);
          pending.delete(id);
          fired.push(scheduled[id]);
          for (let j = 0; j < fanout; j++) schedule();
        });
        schedule();
        e.run(Infinity);
        expect(fired.length).toBe(seq);
        expect(pending.size).toBe(0);
      }),
    );
  });

  it('property: any schedule fires in sorted (time, priority, sequence) order with monotone time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 300 }),
        (items) => {
          const e = new Engine();
          const fired: number[] = [];
          let last = -Infinity;
          let monotone = true;
          const k = e.on((id) => {
            if (e.now < last) monotone = false;
            last = e.now;
            fired.push(id);
          });
          items.forEach(([t, p], i) => e.at(t, k, i, p));
          e.run(Infinity);
          const expected = items
            .map(([t, p], i) => ({ t, p, i }))
            .sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i)
            .map((x) => x.i);
          return monotone && JSON.stringify(fired) === JSON.stringify(expected);
        },
      ),
    );
  });
});

describe('EventHeap', () => {
  it('pops 100k random entries in order', () => {
    const h = new EventHeap(4);
    let x = 12345;
    for (let i = 0; i < 100_000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      h.push(x / 2147483648, i, i);
    }
    let prev = -1;
    let n = 0;
    while (h.size > 0) {
      const t = h.headT;
      expect(t >= prev).toBe(true);
      prev = t;
      h.pop();
      n++;
    }
    expect(n).toBe(100_000);
  });
});

describe('CalendarQueue', () => {
  it('property: interleaved pushes and pops come out exactly in (time, key) order, like a heap', async () => {
    const { CalendarQueue } = await import('../../src/engine/calendar.js');
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        fc.integer({ min: 16, max: 64 }),
        fc.array(fc.tuple(fc.boolean(), fc.double({ min: 0, max: 5000, noNaN: true })), { minLength: 1, maxLength: 400 }),
        (width, buckets, ops) => {
          const cal = new CalendarQueue(width, buckets);
          const ref = new EventHeap(4);
          let now = 0;
          let seq = 0;
          for (const [isPush, delay] of ops) {
            if (isPush || ref.size === 0) {
              cal.push(now + delay, seq, seq);
              ref.push(now + delay, seq, seq);
              seq++;
            } else {
              if (cal.headT !== ref.headT || cal.headK !== ref.headK) return false;
              now = ref.headT;
              if (cal.pop() !== ref.pop()) return false;
            }
            if (cal.size !== ref.size || cal.headT !== ref.headT) return false;
          }
          while (ref.size > 0) if (cal.pop() !== ref.pop()) return false;
          return cal.size === 0 && cal.headT === Infinity;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an event 1e300 s ahead (a scheduler placing 1e-300 pods/s) comes out in order and does not hang the queue', async () => {
    const { CalendarQueue } = await import('../../src/engine/calendar.js');
    const cal = new CalendarQueue(0.75);
    cal.push(1e300, 0, 0);
    cal.push(2e300, 1, 1);
    cal.push(5, 2, 2);
    expect(cal.pop()).toBe(2);
    cal.push(7, 3, 3);
    cal.push(1e300, 4, 4);
    const order: number[] = [];
    while (cal.size > 0) order.push(cal.pop());
    expect(order).toEqual([3, 0, 4, 1]);
    expect(cal.headT).toBe(Infinity);
  });

  it("an event at the current bucket's end whose bucket index rounds into the current bucket goes after it, not a ring's turn later", async () => {
    const { CalendarQueue } = await import('../../src/engine/calendar.js');
    // fl(6548167 · w) / w = 6548166.999999999: floor puts the bucket's end inside it
    const w = 5.791071049043048;
    const c = 6548166;
    const end = (c + 1) * w;
    expect(Math.floor(end / w)).toBe(c);
    const cal = new CalendarQueue(w);
    cal.push(c * w + w / 2, 0, 0);
    cal.push(c * w + 0.9 * w, 1, 1);
    expect(cal.pop()).toBe(0);
    cal.push(end, 2, 2);
    cal.push(end + w, 3, 3);
    const order: number[] = [];
    while (cal.size > 0) order.push(cal.pop());
    expect(order).toEqual([1, 2, 3]);
  });
});

describe('far calendars on a helper thread', () => {
  // the helper is a worker module: the built one (npm test builds first)
  const load = async () => (await import('../../dist/engine/engine.js')) as typeof import('../../src/engine/engine.js');

  /** A model whose events schedule more events at random delays, some under the lookahead; returns what fired. */
  function model(E: typeof Engine, helper: boolean, delays: number[], lookaheadS: number, stops: number[], dropAfter = -1): { log: string[]; events: number; pending: number } {
    const e = new E({ helper });
    const cal = e.farCalendar(0.5, lookaheadS);
    const log: string[] = [];
    let i = 0;
    const k = e.on((id) => {
      log.push(`${e.now}:${id}`);
      // each event schedules up to two more, until the delays run out
      for (let j = 0; j < 2 && i < delays.length; j++) e.afterIn(cal, delays[i], k, i++);
    });
    const other = e.on((id) => log.push(`heap ${e.now}:${id}`));
    for (let j = 0; j < 5 && i < delays.length; j++) e.afterIn(cal, delays[i], k, i++);
    for (let j = 0; j < 20; j++) e.at(j * 7.5, other, j);
    try {
      stops.forEach((s, j) => {
        e.run(s);
        if (j === dropAfter) e.dropHelper();
      });
      return { log, events: e.events, pending: e.pending };
    } finally {
      e.close();
    }
  }

  it('fires exactly what a local calendar fires, in the same order, across runs to several horizons', async () => {
    const { Engine: E } = await load();
    const rnd = fc.array(fc.oneof(fc.double({ min: 0, max: 3, noNaN: true }), fc.double({ min: 3, max: 200, noNaN: true }), fc.constant(3)), { minLength: 1, maxLength: 3000 });
    await fc.assert(
      fc.asyncProperty(rnd, fc.double({ min: 0.5, max: 20, noNaN: true }), async (delays, lookahead) => {
        const stops = [10, 10, 55.5, 400, Infinity];
        const local = model(E, false, delays, lookahead, stops);
        const far = model(E, true, delays, lookahead, stops);
        expect(far).toEqual(local);
        expect(far.events).toBe(delays.length + 20);
      }),
      { numRuns: 25 },
    );
  });

  it('fires the same events in the same order when the helper is dropped between runs (its pending events taken back)', async () => {
    const { Engine: E } = await load();
    const rnd = fc.array(fc.oneof(fc.double({ min: 0, max: 3, noNaN: true }), fc.double({ min: 3, max: 200, noNaN: true }), fc.constant(3)), { minLength: 1, maxLength: 3000 });
    await fc.assert(
      fc.asyncProperty(rnd, fc.double({ min: 0.5, max: 20, noNaN: true }), fc.integer({ min: 0, max: 3 }), async (delays, lookahead, dropAfter) => {
        const stops = [10, 10, 55.5, 400, Infinity];
        const local = model(E, false, delays, lookahead, stops);
        expect(model(E, true, delays, lookahead, stops, dropAfter)).toEqual(local);
      }),
      { numRuns: 25 },
    );
  });

  it('drops the helper at its next barrier once it is marked as costing more than it saves, with the same events in the same order', async () => {
    const { Engine: E } = await load();
    const run = (helper: boolean, abandonAtS: number) => {
      const e = new E({ helper });
      const cal = e.farCalendar(0.5, 5);
      const log: number[] = [];
      let i = 0;
      let droppedSeenAt = NaN;
      const k = e.on((id) => {
        log.push(id, e.now);
        if (i < 20_000) e.afterIn(cal, 5 + ((i * 7919) % 1009) / 10, k, i++);
        if (i < 20_000) e.afterIn(cal, ((i * 31) % 97) / 10, k, i++);
      });
      // what the cost account does when waits outweigh savings (src/engine/helper.ts)
      const mark = e.on(() => {
        const h = e.helperThread();
        if (h) h.abandon = true;
      });
      const watch = e.on(() => {
        if (!e.helping && droppedSeenAt !== droppedSeenAt) droppedSeenAt = e.now;
      });
      for (let j = 0; j < 10; j++) e.afterIn(cal, j, k, i++);
      e.at(abandonAtS, mark, 0);
      for (let t = 1; t < 2000; t++) e.at(t, watch, t);
      try {
        e.run(Infinity);
      } finally {
        e.close();
      }
      return { log, droppedSeenAt, droppedAtS: e.helperDroppedAtS };
    };
    const local = run(false, 100);
    const dropped = run(true, 100);
    expect(dropped.log).toEqual(local.log);
    expect(local.log.length).toBe(2 * 20_000);
    // dropped at the first barrier after t = 100 s or within 1,024 events of it, well before the
    // end (or sooner: on a busy machine the account itself finds the helper's waits outweigh this
    // small model's savings)
    const times = local.log.filter((_, j) => j % 2 === 1);
    const atMark = times.findIndex((t) => t >= 100);
    const bound = times[atMark + 1024];
    expect(bound).toBeLessThan(times[times.length - 1]);
    expect(dropped.droppedAtS).toBeGreaterThanOrEqual(0);
    expect(dropped.droppedAtS).toBeLessThanOrEqual(bound);
    expect(dropped.droppedSeenAt).toBeLessThanOrEqual(bound + 1);
  });

  it('fills both rings and waits: 150k events scheduled at once, with lookaheads short and past them all', async () => {
    const { Engine: E } = await load();
    const delays = Array.from({ length: 150_000 }, (_, j) => 10 + ((j * 7919) % 100_003) / 100);
    for (const lookahead of [5, 5000]) {
      const run = (helper: boolean, dropAtS = NaN) => {
        const e = new E({ helper });
        const cal = e.farCalendar(0.5, lookahead);
        const log: number[] = [];
        const k = e.on((id) => log.push(id));
        // one handler schedules them all: more than the input ring holds (64k) before the helper reads
        e.at(0, e.on(() => delays.forEach((d, j) => e.afterIn(cal, d, k, j))), 0);
        try {
          if (dropAtS === dropAtS) {
            e.run(dropAtS);
            e.dropHelper();
          }
          e.run(Infinity);
        } finally {
          e.close();
        }
        return log;
      };
      const local = run(false);
      expect(local).toHaveLength(delays.length);
      expect(run(true)).toEqual(local);
      // dropped with all 150k pending: taken back through the output ring (64k) in three turns
      expect(run(true, 9)).toEqual(local);
    }
  });
});
