/** A daily cosine fitted to arrival counts, with its error, noise and bursts. */
export interface TidalFit {
  /** Rates, per second. */
  peak: number;
  trough: number;
  /** Time of day (UTC) of the peak, seconds from midnight. */
  peakAtS: number;
  /** Time of day at the window's start (the scenario's `startAt`). */
  startAtS: number;
  /** σ of the log of the per-step noise left after the Poisson scatter (the scenario's `noise`). */
  noise: number;
  /** Root-mean-square error of the fitted counts per step, and as a share of the mean count. */
  rmse: number;
  relRmse: number;
  /** Share of the counts' variance the curve explains. */
  r2: number;
  /** Bursts: runs of steps above the curve by more than 4 σ (null when none). */
  bursts: { ratePerS: number; factor: number; durationS: number } | null;
}

const DAY = 86400;

/**
 * Least squares of counts per step on a + b·cos(ωt) + c·sin(ωt) (ω one cycle a day, t the UTC
 * time of day of each step's middle): the `tidal` curve's peak = a + √(b²+c²), trough = a −
 * √(b²+c²), peak time = atan2(c, b)/ω. Over less than a day the cycle is extrapolated: the
 * error says how well it fits inside the window. Noise is what the log-residuals scatter beyond
 * Poisson's 1/mean. Null with fewer than 4 steps.
 */
export function fitTidal(counts: ArrayLike<number>, startS: number, stepS: number): TidalFit | null {
  const n = counts.length;
  if (n < 4) return null;
  const w = (2 * Math.PI) / DAY;
  // normal equations of the 3-parameter linear fit
  const A = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const y = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const t = startS + (i + 0.5) * stepS;
    const x = [1, Math.cos(w * t), Math.sin(w * t)];
    for (let r = 0; r < 3; r++) {
      y[r] += x[r] * counts[i];
      for (let c = 0; c < 3; c++) A[r][c] += x[r] * x[c];
    }
  }
  // a short window makes the cosine and sine nearly collinear: a tiny ridge keeps it solvable
  for (let r = 1; r < 3; r++) A[r][r] += 1e-9 * A[0][0];
  const [a, b, c] = solve3(A, y);
  const amp = Math.hypot(b, c);
  const fitted = (i: number) => {
    const t = startS + (i + 0.5) * stepS;
    return Math.max(1e-9, a + b * Math.cos(w * t) + c * Math.sin(w * t));
  };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += counts[i] / n;
  let sse = 0;
  let sst = 0;
  let logVar = 0;
  let poisson = 0;
  for (let i = 0; i < n; i++) {
    const f = fitted(i);
    sse += (counts[i] - f) ** 2;
    sst += (counts[i] - mean) ** 2;
    const l = Math.log(Math.max(0.5, counts[i]) / f);
    logVar += (l * l) / n;
    poisson += 1 / f / n;
  }
  const noise = Math.sqrt(Math.max(0, logVar - poisson));
  // bursts: runs of steps more than 4 σ (Poisson and noise) above the curve: at 3 σ, a day of
  // 1-minute steps of pure Poisson traffic shows ~2 false bursts (p = 0.00135 a step), at 4 σ 0.05
  const runs: { len: number; ratio: number }[] = [];
  let cur: { len: number; ratio: number } | null = null;
  for (let i = 0; i < n; i++) {
    const f = fitted(i);
    const sd = Math.sqrt(f + (noise * f) ** 2);
    if (counts[i] > f + 4 * sd) {
      cur ??= { len: 0, ratio: 0 };
      cur.len++;
      cur.ratio += counts[i] / f;
    } else if (cur) {
      runs.push(cur);
      cur = null;
    }
  }
  if (cur) runs.push(cur);
  const bursts = runs.length
    ? {
        ratePerS: runs.length / (n * stepS),
        factor: runs.reduce((s, r) => s + r.ratio, 0) / runs.reduce((s, r) => s + r.len, 0),
        durationS: (runs.reduce((s, r) => s + r.len, 0) / runs.length) * stepS,
      }
    : null;
  const rmse = Math.sqrt(sse / n);
  const tod = (s: number) => ((s % DAY) + DAY) % DAY;
  return {
    peak: (a + amp) / stepS,
    trough: Math.max(0, a - amp) / stepS,
    peakAtS: tod(Math.atan2(c, b) / w),
    startAtS: tod(startS),
    noise,
    rmse,
    relRmse: mean > 0 ? rmse / mean : NaN,
    r2: sst > 0 ? 1 - sse / sst : NaN,
    bursts,
  };
}

/** Solves a 3×3 system by Gaussian elimination with partial pivoting. */
function solve3(A: number[][], y: number[]): number[] {
  const M = A.map((r, i) => [...r, y[i]]);
  for (let k = 0; k < 3; k++) {
    let p = k;
    for (let i = k + 1; i < 3; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    [M[k], M[p]] = [M[p], M[k]];
    if (M[k][k] === 0) return [0, 0, 0];
    for (let i = k + 1; i < 3; i++) {
      const f = M[i][k] / M[k][k];
      for (let j = k; j < 4; j++) M[i][j] -= f * M[k][j];
    }
  }
  const x = [0, 0, 0];
  for (let i = 2; i >= 0; i--) {
    let s = M[i][3];
    for (let j = i + 1; j < 3; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}
