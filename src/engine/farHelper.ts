import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { CalendarQueue } from './calendar.js';
import { Ctl, MARKER, RING } from './farQueue.js';
import { Bell, type HelperWork, type HelperWorkModule } from './helper.js';
import type { FarSpec } from './farQueue.js';

/**
 * The helper thread of an engine (src/engine/helper.ts). For each far queue
 * (src/engine/farQueue.ts) it takes the scheduled events from the input ring into a calendar
 * queue, and hands back, in order, those earlier than the latest horizon (main's last time stamp
 * + the lookahead), followed by the horizon itself; for each sampler drawing ahead
 * (src/model/ahead.ts, or any module registered with `registerHelperWork`) it keeps the ring of draws full, a chunk at a time between passes over
 * the queues (which main may be waiting for). Spins while there is work; sleeps on the bell when
 * main is quiet.
 */
const MASK = RING - 1;

interface Served {
  ctl: Int32Array;
  input: Float64Array;
  output: Float64Array;
  lookaheadS: number;
  calendar: CalendarQueue;
  inR: number;
  outW: number;
  outRSeen: number;
  /** Latest time stamp read from main, and the last horizon handed back. */
  stampT: number;
  horizonT: number;
}

const data = workerData as { bell: SharedArrayBuffer; modules: string[] };
const bell = new Int32Array(data.bell);
/** The registered modules' work (src/engine/helper.ts registerHelperWork), loaded before serving. */
const kinds: HelperWorkModule[] = await Promise.all(data.modules.map(async (url) => ((await import(url)) as { helperWork: HelperWorkModule }).helperWork));
const port = parentPort!;
const queues: Served[] = [];
/** Jobs of registered kinds, and the module serving each (one module in practice: a monomorphic call). */
const samplers: unknown[] = [];
const samplerKinds: HelperWorkModule[] = [];

function take(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const w = m.message as HelperWork;
    if (w.kind !== 'far') {
      const k = kinds.find((x) => x.kind === w.kind);
      if (!k) throw new Error(`helper: no module registered for work of kind ${w.kind}`);
      samplers.push(k.take(w));
      samplerKinds.push(k);
      continue;
    }
    const s = w as FarSpec;
    queues.push({
      ctl: new Int32Array(s.ctl),
      input: new Float64Array(s.input),
      output: new Float64Array(s.output),
      lookaheadS: s.lookaheadS,
      calendar: new CalendarQueue(s.widthS),
      inR: 0,
      outW: 0,
      outRSeen: 0,
      stampT: -Infinity,
      horizonT: -Infinity,
    });
  }
}

/** Wakes main if it parked waiting for the helper (after anything was published). */
function wakeMain(): void {
  if (Atomics.load(bell, Bell.Parked) === 0) return;
  Atomics.add(bell, Bell.Wake, 1);
  Atomics.notify(bell, Bell.Wake);
}

/** One pass over a queue; true when it did anything. */
function serve(q: Served): boolean {
  const w = Atomics.load(q.ctl, Ctl.InW);
  let r = q.inR;
  const busy = r < w;
  const input = q.input;
  const cal = q.calendar;
  while (r < w) {
    const i = 3 * (r & MASK);
    const k = input[i + 1];
    if (k === MARKER) q.stampT = input[i];
    else cal.push(input[i], k, input[i + 2]);
    r++;
  }
  if (busy) Atomics.store(q.ctl, Ctl.InR, (q.inR = r));
  const H = q.stampT + q.lookaheadS;
  if (!(H > q.horizonT)) return busy;
  const out = q.output;
  let ow = q.outW;
  // keeps one slot free for the horizon behind the events
  while (cal.size > 0 && cal.headT < H && (ow - q.outRSeen < RING - 1 || (q.outRSeen = Atomics.load(q.ctl, Ctl.OutR)) > ow - (RING - 1))) {
    const i = 3 * (ow & MASK);
    out[i] = cal.headT;
    out[i + 1] = cal.headK;
    out[i + 2] = cal.pop();
    ow++;
  }
  if (!(cal.size > 0 && cal.headT < H) && ow - q.outRSeen < RING) {
    const i = 3 * (ow & MASK);
    out[i] = H;
    out[i + 1] = MARKER;
    out[i + 2] = NaN;
    ow++;
    q.horizonT = H;
  }
  if (ow !== q.outW) Atomics.store(q.ctl, Ctl.OutW, (q.outW = ow));
  return true;
}

Atomics.store(bell, Bell.Ready, 1);
try {
  let idle = 0;
  let idleSince = 0;
  let passes = 0;
  for (;;) {
    if ((++passes & 4095) === 0) take(); // work handed over while busy
    let busy = false;
    for (let j = 0; j < queues.length; j++) if (serve(queues[j])) busy = true;
    if (busy) wakeMain();
    for (let k = 0; k < samplers.length; k++) {
      if (!samplerKinds[k].fill(samplers[k])) continue;
      busy = true;
      wakeMain();
      for (let j = 0; j < queues.length; j++) if (serve(queues[j])) wakeMain();
    }
    if (busy) {
      idle = 0;
      continue;
    }
    if (++idle % 1024 !== 0) continue;
    take();
    // Main pushes every few microseconds while it runs: sleep only after 20 ms without work
    // (between runs, or done). Sleeping sooner made main wait at its barriers for the wake-up.
    const now = Date.now();
    if (idle === 1024) idleSince = now;
    else if (now - idleSince > 20) {
      const b = Atomics.load(bell, Bell.Ring);
      take();
      let again = false;
      for (let j = 0; j < queues.length; j++) if (serve(queues[j])) again = true;
      for (let k = 0; k < samplers.length; k++) if (samplerKinds[k].fill(samplers[k])) again = true;
      if (again) wakeMain();
      else Atomics.wait(bell, Bell.Ring, b, 50);
      idle = 0;
    }
  }
} catch (e) {
  Atomics.store(bell, Bell.Failed, 1);
  throw e;
}
