/*
 * Tier and Flag are const enums: tsc writes each use as its number. As objects (`{…} as const`),
 * every `Flag.Lost` in a handler was a load of the imported binding's cell, a hole check, a map
 * check and a field load (~8 instructions; ~25 such reads along an M/M/c customer's path).
 */

/** Where a session's sandbox runs. */
export const enum Tier {
  None = 0,
  Reserved = 1,
  Serverless = 2,
}

/** Session flags (bits). */
export const enum Flag {
  /** Arrived after warm-up: counted in the statistics. */
  Counted = 1,
  /** Started from a warm-pool claim. */
  Warm = 2,
  /** Allocated (not yet completed, rejected or lost). */
  Live = 4,
  /** Has waited in the reserved queue. */
  Queued = 8,
  /** Hibernated: state kept, no slot held (multi-turn sessions). */
  Hibernated = 16,
  /** Waking from hibernation: waiting for a slot or restoring. */
  Waking = 32,
  /** Lost: its sandbox was destroyed under pressure; the record lives until its pending event fires. */
  Lost = 64,
  /** Idle between turns, holding a reserved slot (evictable under pressure). */
  Idle = 128,
  /** A clone of a fan-out (not a session: kept out of the session statistics). */
  Clone = 256,
  /** Running: its sandbox is ready (cleared while hibernated). */
  Started = 512,
}

/**
 * The record's layout: 4 Float64 slots a session — arrival time, hand-off time, known duration
 * (or wake time, or fan-out id), and a word of turns × 2^18 + template × 2^14 + zone × 4096 +
 * tier × 1024 + flags. A const enum, so tsc writes its numbers into the accessors: as module
 * constants each read was a context load and a hole check, which took the one-line accessors
 * (`flags`, `tier`, `template`…) past V8's 27-byte size under which a function is inlined
 * whatever the caller's inlining budget (the M/M/c arrival's placement called them out of line).
 */
const enum L {
  Stride = 4,
  FlagMask = 1023,
  TierShift = 10,
  /** The zone of the slot held (0–3), above the tier; kept while hibernated (where its state is). */
  ZoneShift = 12,
  /** The template (0–15), above the zone. */
  TemplateShift = 14,
  /** Turns left are kept above the template bits (up to 2^13 − 1, so the word stays a 31-bit integer). */
  TurnShift = 18,
  MaxTurns = (1 << 13) - 1,
  TurnUnit = 1 << 18,
}

/**
 * Live sessions, indexed by an integer id and recycled through a LIFO free list, so memory
 * follows the peak number of live sessions (~300k on the Kimi-scale day), not the number that
 * ever arrived (27M). A session's fields sit side by side in one Float64Array (32 bytes: two
 * sessions a cache line), because each event touches one random session and, at 100k+ live
 * sessions, every separate array is a separate cache miss.
 */
export class SessionTable {
  private a: Float64Array;
  private free: Int32Array;
  private freeTop = 0;
  private used = 0;
  /** Number of live sessions. */
  live = 0;

  constructor(initialCapacity = 1024) {
    this.a = new Float64Array(L.Stride * initialCapacity);
    this.free = new Int32Array(initialCapacity);
  }

  /** Allocates a session record of template `template` (0–15) and returns its id. */
  alloc(arrivalT: number, durationS: number, flags: number, template = 0): number {
    let id: number;
    if (this.freeTop > 0) id = this.free[--this.freeTop];
    else {
      if (L.Stride * (this.used + 1) > this.a.length) this.grow();
      id = this.used++;
    }
    const i = L.Stride * id;
    this.a[i] = arrivalT;
    this.a[i + 1] = arrivalT;
    this.a[i + 2] = durationS;
    this.a[i + 3] = flags | Flag.Live | (template << L.TemplateShift);
    this.live++;
    return id;
  }

  /** Releases a session record. */
  release(id: number): void {
    this.a[L.Stride * id + 3] = 0;
    this.free[this.freeTop++] = id;
    this.live--;
  }

  /** Arrival time (s). */
  arrivalT(id: number): number {
    return this.a[L.Stride * id];
  }

  /** Time of the last hand-off: joined the queue or was submitted to the scheduler (s). */
  markT(id: number): number {
    return this.a[L.Stride * id + 1];
  }

  setMarkT(id: number, t: number): void {
    this.a[L.Stride * id + 1] = t;
  }

  /** Duration known in advance (trace replay), else NaN (s). Multi-turn sessions keep their wake-request time here. */
  durationS(id: number): number {
    return this.a[L.Stride * id + 2];
  }

  setDurationS(id: number, v: number): void {
    this.a[L.Stride * id + 2] = v;
  }

  /** Flag bits. */
  flags(id: number): number {
    return this.a[L.Stride * id + 3] & L.FlagMask;
  }

  addFlag(id: number, f: number): void {
    const i = L.Stride * id + 3;
    this.a[i] = this.a[i] | f;
  }

  clearFlag(id: number, f: number): void {
    const i = L.Stride * id + 3;
    this.a[i] = this.a[i] & ~f;
  }

  /** Tier of the slot the session holds. */
  tier(id: number): number {
    return (this.a[L.Stride * id + 3] >> L.TierShift) & 3;
  }

  setTier(id: number, tier: number): void {
    const i = L.Stride * id + 3;
    this.a[i] = (this.a[i] & ~(3 << L.TierShift)) | (tier << L.TierShift);
  }

  /** Zone of the reserved slot held (zone outages). */
  zone(id: number): number {
    return (this.a[L.Stride * id + 3] >> L.ZoneShift) & 3;
  }

  setZone(id: number, zone: number): void {
    const i = L.Stride * id + 3;
    this.a[i] = (this.a[i] & ~(3 << L.ZoneShift)) | (zone << L.ZoneShift);
  }

  /** The session's template. */
  template(id: number): number {
    return (this.a[L.Stride * id + 3] >> L.TemplateShift) & 15;
  }

  /** Turns left after the current one (multi-turn sessions). */
  turnsLeft(id: number): number {
    return this.a[L.Stride * id + 3] >>> L.TurnShift;
  }

  setTurnsLeft(id: number, n: number): void {
    const i = L.Stride * id + 3;
    this.a[i] = (this.a[i] & (L.TurnUnit - 1)) + Math.min(n, L.MaxTurns) * L.TurnUnit;
  }

  /** Number of ids ever handed out (for scans). */
  get capacityUsed(): number {
    return this.used;
  }

  private grow(): void {
    const next = new Float64Array(this.a.length * 2);
    next.set(this.a);
    this.a = next;
    const fr = new Int32Array(this.free.length * 2);
    fr.set(this.free);
    this.free = fr;
  }
}
