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
