/**
 * Closed-form queueing results the simulator is validated against, and that the forecaster's
 * pool sizing uses. Offered load `a` is in Erlangs (arrival rate × mean holding time).
 */

/** Erlang B: the blocking probability of an M/G/c/c loss system, by the stable recursion. */
export function erlangB(c: number, a: number): number {
  if (a <= 0) return 0;
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: the probability that an arrival waits in an M/M/c queue (1 when a ≥ c). */
export function erlangC(c: number, a: number): number {
  if (a >= c) return 1;
  const b = erlangB(c, a);
  return (c * b) / (c - a * (1 - b));
}

/** Mean wait in queue of M/M/c with arrival rate λ (1/s) and service rate μ (1/s) per server. */
export function mmcMeanWait(c: number, lambda: number, mu: number): number {
  const a = lambda / mu;
  if (a >= c) return Infinity;
  return erlangC(c, a) / (c * mu - lambda);
}

/** Mean wait in queue of M/D/1 with arrival rate λ and fixed service time d: ρd / (2(1 − ρ)). */
export function md1MeanWait(lambda: number, d: number): number {
  const rho = lambda * d;
  if (rho >= 1) return Infinity;
  return (rho * d) / (2 * (1 - rho));
}

/**
 * Kaufman–Roberts: per-class blocking in a multi-rate loss system of `c` slots, where class k
 * offers `a[k]` Erlangs of requests that each take `b[k]` slots (blocked when fewer are free).
 * q(j) ∝ (1/j) Σ_k a_k b_k q(j − b_k) is the occupancy distribution; class k is blocked in the
 * states j > c − b_k. Insensitive to the holding-time distribution, like Erlang B (its one-class
 * case with b = 1).
 */
export function kaufmanRoberts(c: number, a: readonly number[], b: readonly number[]): number[] {
  const q = new Float64Array(c + 1);
  q[0] = 1;
  let sum = 1;
  for (let j = 1; j <= c; j++) {
    let x = 0;
    for (let k = 0; k < a.length; k++) if (j >= b[k]) x += a[k] * b[k] * q[j - b[k]];
    q[j] = x / j;
    sum += q[j];
    if (sum > 1e200) {
      // rescale to stay finite at large c (the ratios are what matter)
      for (let i = 0; i <= j; i++) q[i] /= sum;
      sum = 1;
    }
  }
  return b.map((bk) => {
    let blocked = 0;
    for (let j = Math.max(0, c - bk + 1); j <= c; j++) blocked += q[j];
    return blocked / sum;
  });
}
