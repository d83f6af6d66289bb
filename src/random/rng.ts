/**
 * Seeded random streams: xoshiro128** (Blackman & Vigna), a 128-bit state generator with a
 * 2^128 − 1 period that passes BigCrush, in 32-bit integer arithmetic that V8 keeps unboxed.
 *
 * Every model component draws from its own stream, derived from (run seed, replication, stream
 * name). Changing one component's parameters therefore never shifts another component's draws:
 * two policies compared on the same seed see the same arrivals (common random numbers).
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds the state from a 32-bit seed through splitmix32, so nearby seeds give unrelated streams. */
  constructor(seed32: number) {
    let x = seed32 >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The generator's state (four 32-bit words), to continue the same stream elsewhere (`Rng.fromState`). */
  state(): number[] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** A generator continuing from `state` (as `state()` returned it). */
  static fromState(state: readonly number[]): Rng {
    const r = new Rng(0);
    [r.s0, r.s1, r.s2, r.s3] = state;
    return r;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = rotl(n3, 11);
    return r;
  }

  /**
   * Uniform double in the open interval (0, 1) with 53 random bits (never exactly 0 or 1): two
   * steps of `nextUint32`, written out here with the state in locals. Calling `nextUint32` twice
   * left both calls out of line where `next` was inlined into a handler whose inlining budget was
   * spent (M/M/c's arrival: ~90 instructions a customer in the calls; see README, Performance).
   */
  next(): number {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const a = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 5;
    let t = s1 << 9;
    let n2 = s2 ^ s0;
    let n3 = s3 ^ s1;
    s1 ^= n2;
    s0 ^= n3;
    s2 = n2 ^ t;
    s3 = rotl(n3, 11);
    const b = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 6;
    t = s1 << 9;
    n2 = s2 ^ s0;
    n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = rotl(n3, 11);
    return (a * 67108864 + b + 0.5) / 9007199254740992;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** 32-bit FNV-1a of a string, then a murmur3 finaliser. */
export function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h);
}

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The seed of a named stream: a hash of the run seed (any safe integer), the replication index and
 * the stream's name (by convention the scenario key path it serves, e.g. `workload.sessionDuration`).
 */
export function streamSeed(seed: number, replication: number, name: string): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  let h = fmix(lo ^ 0x2545f491);
  h = fmix(h ^ hi ^ 0x6a09e667);
  h = fmix(h ^ Math.imul(replication + 1, 0x9e3779b1));
  return hashString(name, h);
}

/** Creates the stream `name` for a run seed and replication. */
export function stream(seed: number, replication: number, name: string): Rng {
  return new Rng(streamSeed(seed, replication, name));
}
