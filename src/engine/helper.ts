import { Worker } from 'node:worker_threads';

/** Slots of the helper's bell (Int32, shared with the helper thread). */
export const enum Bell {
  /** Rung (incremented) when main wants the helper awake. */
  Ring = 0,
  /** Set by the helper when it failed (its error goes to stderr through the worker). */
  Failed = 1,
  /** 1 while main is parked waiting for the helper: the helper then rings `Wake` after publishing. */
  Parked = 2,
  /** Rung (incremented) by the helper to wake a parked main. */
  Wake = 3,
  /** Set by the helper once its module has loaded and it serves: waits before that are its start-up, not its cost. */
  Ready = 4,
  Size = 5,
}

/**
 * Work the helper thread serves: far queues (kind 'far', src/engine/farQueue.ts), and work of the
 * kinds modules above the engine register (`registerHelperWork`): samplers drawing ahead
 * (kind 'ahead', src/model/ahead.ts).
 */
export interface HelperWork {
  kind: string;
}

/** A registered module's export `helperWork`: turns a message of its kind into a job, and does a slice of a job (true: it did some). */
export interface HelperWorkModule<S extends HelperWork = HelperWork, J = unknown> {
  kind: string;
  take(spec: S): J;
  fill(job: J): boolean;
}

/** Modules (URLs) whose work helper threads serve. */
const workModules: string[] = [];

/**
 * Registers the module at `url` (exporting `helperWork`, a HelperWorkModule) with every helper
 * thread started from now on, so the engine serves work of layers above it without importing them.
 */
export function registerHelperWork(url: string): void {
  if (!workModules.includes(url)) workModules.push(url);
}

/** Something the helper does for main: how much of main's time it has saved so far, in seconds. */
export interface HelperClient {
  savedS(): number;
}

/** A client whose work can be taken back into main (a sampler: src/model/ahead.ts). */
export interface Detachable extends HelperClient {
  /** Asks the helper to stop (step 1 of 2: all clients are asked before any is waited for). */
  requestStop(): void;
  /** Waits for the helper to stop and continues in place from where it stopped (step 2). */
  finishStop(): void;
}

const GIVE_UP_MS = 60_000;
/**
 * Main spins this long (µs) before parking: a helper with a core of its own answers in a few
 * µs, and a futex wake-up costs ~50 µs; one without a core answers only after a scheduler slice
 * (ms), and spinning would take the very core it needs.
 */
const SPIN_US = 30;
/** Parked main wakes at least this often (ms) to check for failure, in case a wake-up was missed. */
const PARK_MS = 2;
/**
 * The wait-versus-saving account is kept over windows of this many ms of wall time (the current
 * and the previous one), so contention that starts mid-run is seen within about a second.
 */
const WINDOW_MS = 500;
/**
 * Waits in the first this-many ms after the helper is ready are not judged: its code is still
 * being compiled (cold, it can fall behind main for a few ms even with a core of its own).
 */
const GRACE_MS = 250;
/** Waits under this (s) per window never count against the helper: noise on a quiet machine. */
const MIN_WAIT_S = 0.005;

/**
 * Whether the helper costs more than it saves: main waited longer for it, over the current and
 * previous windows, than the work it took over would have cost main (and more than MIN_WAIT_S).
 * Pure, for tests.
 */
export function helperCostsMore(waitS: number, savedS: number): boolean {
  return waitS > MIN_WAIT_S && waitS > savedS;
}

/**
 * Share of the wall time judged that main's waits must fill before a window still open — or the
 * first whole window — may drop the helper. A helper without a core of its own keeps main
 * waiting most of the time (waits of one scheduler slice, ms, for every far-queue barrier); a
 * helper with its core only falls behind now and then, and while both threads warm up. On the
 * Kimi day quiet (2026-12-02), a window judged part-way (waits 30 ms, saving counted so far 20 ms)
 * dropped a helper that was saving main 35% of the day; after the model got leaner the first
 * window after the grace waited 187 ms and saved 106 ms (warm-up), every later one waited 5–67 ms
 * and saved 146–240 ms, and dropping it there made the day 27.7–29.2 s against 16.9–19.0 s kept.
 */
const DOMINANT_SHARE = 0.5;

/**
 * Whole windows in a row whose waits must outweigh their saving before the helper goes. One
 * window is a noisy VM's slow spell as often as a lost core: on the Kimi day (2026-12-02, a
 * shared VM) the account dropped a helper that was saving main ~40% of the day 8,078–10,548 s
 * into the simulated day in 3 of 4 runs, and the rest of those days ran in-thread (29–40.5 s
 * against 16.9–19.0 s kept). A helper without a core keeps losing window after window, and the
 * part-way rule (DOMINANT_SHARE) drops it within the window anyway.
 */
export const LOSING_WINDOWS = 2;

/**
 * The least span (s) the part-way rule judges: two windows, so main must have waited 500 ms
 * before a helper goes part-way. Kimi day, quiet, spells of 600 ms with one busy process per
 * core 5 s in (2026-12-02 15:13): judged over one window (250 ms of waits) the helper went in 2
 * of 2 runs, and those days took 23.8 / 25.3 s (in-thread 23.2–25.7 s) against 13.1 s kept. A
 * helper with no core at all still goes about a second after its grace.
 */
const DOMINANT_MIN_S = (2 * WINDOW_MS) / 1000;

/**
 * The account's verdict. `waitS`/`savedS` are over the previous whole window and the current one
 * so far, `spanS` the wall time they cover; `lost` how many whole windows in a row have ended
 * losing on their own figures, this one included once it is done (`losingStreak`). At the end of
 * a window the helper goes once LOSING_WINDOWS of them in a row lost; part-way, and at the end of
 * the first window (`first`: still warming up, never counted as lost), only when its waits
 * outweigh the saving and fill more than DOMINANT_SHARE of the span (DOMINANT_MIN_S at least: 500 ms of
 * waits) — a helper without a core — so that a burst of waits while the helper warms up, early in
 * a window before its saving has been counted, or in one slow spell of a shared VM, cannot drop a
 * helper that wins over the run. Pure, for tests.
 */
export function helperVerdict(waitS: number, savedS: number, spanS: number, windowDone: boolean, first = false, lost = 0): boolean {
  if (windowDone && !first && lost >= LOSING_WINDOWS) return true;
  return helperCostsMore(waitS, savedS) && waitS > DOMINANT_SHARE * Math.max(spanS, DOMINANT_MIN_S);
}

/**
 * Share of the saving the rest of the run would still give that a losing streak may cost before
 * the helper goes (ski rental: keep paying for waits while they are small next to what dropping
 * would forgo). A streak that started on a quiet helper's good run is mostly a slow spell of a
 * shared machine (a browser tab, another job's burst): on the Kimi day (2026-12-02), a 3-s spell
 * of one busy process per core 5 s in dropped the helper for the rest of the day (20.2 / 21.0 s
 * against 13.6 / 13.9 s kept). Under contention that stays, the waits go on, the remaining saving
 * shrinks as the run ends, and the helper goes having cost at most this share of that saving; a
 * helper that never saved (no core from the start) has nothing to forgo and goes at once.
 */
export const KEEP_SHARE = 0.5;

/**
 * Whether a losing streak is still cheap next to what the helper would save over the rest of the
 * run: `lossS` main's net loss over the streak so far (waits less saving), `gainRate` the net saving
 * per wall second before the streak, `elapsedS` the run's wall time so far and `progress` its share
 * of events done (NaN when unknown). Pure, for tests.
 */
export function worthKeeping(lossS: number, gainRate: number, elapsedS: number, progress: number): boolean {
  if (!(progress > 0.01 && progress < 1) || !(gainRate > 0)) return false;
  const remainingS = (elapsedS * (1 - progress)) / progress;
  return lossS <= KEEP_SHARE * gainRate * remainingS;
}

/**
 * Whole windows in a row that ended losing, after one more window's end with its own waits and
 * saving (`waitS`/`savedS`: that window's alone, so one slow window cannot count twice); the first
 * window is warm-up and never counts. Pure, for tests.
 */
export function losingStreak(lostBefore: number, waitS: number, savedS: number, first: boolean): number {
  return !first && helperCostsMore(waitS, savedS) ? lostBefore + 1 : 0;
}

/**
 * The helper thread of one engine: a worker (src/engine/farHelper.ts) that sorts far queues'
 * events and draws samplers' random values ahead, each through shared-memory rings, so that main
 * only reads. Work is handed over once (`serve`); the bell is rung when main waits, so an idle
 * helper sleeps instead of spinning, and main parks on Atomics.wait (after a ~30 µs spin) while
 * the helper has not answered, so it never spins on a core the helper needs.
 *
 * Every wait is timed and weighed against what the helper's clients saved main (`savedS`): when
 * waits cost more (a busy machine, a CPU-limited pod), `abandon` is set and the engine takes the
 * work back into its own thread (Engine.dropHelper): same events, same draws, same order.
 */
export class Helper {
  readonly bell = new Int32Array(new SharedArrayBuffer(4 * Bell.Size));
  /** Set when the helper's waits cost more than it saves: the engine should drop it. */
  abandon = false;
  /** Total wall time main waited for the helper (s), and the number of waits that had to wait. */
  waitedS = 0;
  waits = 0;
  private readonly worker: Worker;
  private readonly clients: HelperClient[] = [];
  private readonly detachable: Detachable[] = [];
  private detached = false;
  /** When judging starts (NaN: the helper is not ready yet). */
  private judgeFrom = NaN;
  private winStart = 0;
  private winWaitS = 0;
  private winSavedBase = 0;
  private prevWaitS = 0;
  private prevSavedS = 0;
  private prevSpanS = 0;
  private lost = 0;
  /** Net loss (waits less saving, s) of the whole windows of the current losing streak. */
  private streakLossS = 0;
  /** Net saving (s) and wall time (s) of the judged windows outside losing streaks. */
  private goodGainS = 0;
  private goodSpanS = 0;
  private readonly bornAt = performance.now();

  /** `progress`: the run's share of events done (NaN when unknown), for the ski-rental rule (`worthKeeping`). */
  constructor(private readonly progress: () => number = () => NaN) {
    this.worker = new Worker(new URL('./farHelper.js', import.meta.url), { workerData: { bell: this.bell.buffer, modules: workModules.slice() } });
    this.worker.unref();
  }

  serve(work: HelperWork, client: HelperClient | Detachable): void {
    this.clients.push(client);
    if ('requestStop' in client) this.detachable.push(client);
    this.worker.postMessage(work);
    this.ring();
  }

  ring(): void {
    Atomics.add(this.bell, Bell.Ring, 1);
    Atomics.notify(this.bell, Bell.Ring);
  }

  /** Main's time the clients have saved so far (s). */
  savedS(): number {
    let s = 0;
    for (const c of this.clients) s += c.savedS();
    return s;
  }

  /**
   * Waits until `done()` (main waiting for the helper): spins ~30 µs, then parks; throws if the
   * helper failed or gives no answer for a minute. Timed, for the wait-versus-saving account.
   */
  wait(done: () => boolean): void {
    if (done()) return;
    const t0 = performance.now();
    this.ring();
    let n = 0;
    while (!done()) {
      if ((++n & 63) === 0 && performance.now() - t0 >= SPIN_US / 1000) {
        this.park(done, t0);
        break;
      }
    }
    this.account((performance.now() - t0) / 1000);
  }

  private park(done: () => boolean, t0: number): void {
    const bell = this.bell;
    Atomics.store(bell, Bell.Parked, 1);
    try {
      for (;;) {
        const w = Atomics.load(bell, Bell.Wake);
        if (done()) return;
        if (Atomics.load(bell, Bell.Failed) !== 0) throw new Error('the engine helper thread failed');
        if (performance.now() - t0 > GIVE_UP_MS) throw new Error(`the engine helper thread gave no answer for ${GIVE_UP_MS / 1000} s`);
        this.ring();
        Atomics.wait(bell, Bell.Wake, w, PARK_MS);
      }
    } finally {
      Atomics.store(bell, Bell.Parked, 0);
    }
  }

  private account(waitS: number): void {
    this.waitedS += waitS;
    this.waits++;
    // the thread's start-up (~50-100 ms loading its module) is paid once, whoever waits for it
    if (Atomics.load(this.bell, Bell.Ready) === 0) return;
    const now = performance.now();
    if (this.judgeFrom !== this.judgeFrom) this.judgeFrom = now + GRACE_MS;
    if (now < this.judgeFrom) return;
    const saved = this.savedS();
    if (this.winStart === 0) {
      // the first window starts here: what was saved and waited during the grace is not judged
      this.winStart = now;
      this.winSavedBase = saved;
    }
    this.winWaitS += waitS;
    const winSaved = saved - this.winSavedBase;
    const windowDone = now - this.winStart > WINDOW_MS;
    const spanS = (now - this.winStart) / 1000 + this.prevSpanS;
    const first = this.prevSpanS === 0;
    if (windowDone) {
      this.lost = losingStreak(this.lost, this.winWaitS, winSaved, first);
      if (this.lost > 0) this.streakLossS += this.winWaitS - winSaved;
      else {
        this.streakLossS = 0;
        this.goodGainS += winSaved - this.winWaitS;
        this.goodSpanS += (now - this.winStart) / 1000;
      }
    }
    if (!this.detached && helperVerdict(this.winWaitS + this.prevWaitS, winSaved + this.prevSavedS, spanS, windowDone, first, this.lost) && !this.keeps(windowDone ? 0 : this.winWaitS - winSaved, now)) this.abandon = true;
    if (windowDone) {
      this.prevWaitS = this.winWaitS;
      this.prevSavedS = winSaved;
      this.prevSpanS = (now - this.winStart) / 1000;
      this.winWaitS = 0;
      this.winSavedBase = saved;
      this.winStart = now;
    }
  }

  /** Whether the ski-rental rule keeps the helper through this streak (`openLossS`: the open window's net loss). */
  private keeps(openLossS: number, now: number): boolean {
    const rate = this.goodSpanS > 0 ? this.goodGainS / this.goodSpanS : 0;
    return worthKeeping(this.streakLossS + Math.max(0, openLossS), rate, (now - this.bornAt) / 1000, this.progress());
  }

  /**
   * Takes every sampler back into main: asks all to stop, then waits for each; from then on
   * each continues in place from the helper's state (the same draws). Idempotent.
   */
  detachSamplers(): void {
    if (this.detached) return;
    this.detached = true;
    for (const d of this.detachable) d.requestStop();
    this.ring();
    for (const d of this.detachable) d.finishStop();
  }

  close(): void {
    void this.worker.terminate();
  }
}
