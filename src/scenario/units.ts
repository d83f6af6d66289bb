/**
 * Units in scenario files. Durations: a number of seconds, or a string of number+unit terms
 * (`50ms`, `2s`, `10m`, `4h`, `1d`, `1h30m`). Rates: a number per second, or `N/unit`
 * (`9/s`, `500/min`, `2/h`). Parsers return the value or an error string saying what was expected.
 */
import { show } from '../config/messages.js';

const DURATION_UNITS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3600,
  hr: 3600,
  d: 86400,
  day: 86400,
  w: 604800,
};

const TERM = /(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(ms|sec|s|min|m|hr|h|day|d|w)/gy;

/** What a duration looks like, for error messages. */
export const DURATION_HINT = 'a duration such as 30 (seconds), "50ms", "2s", "10m", "4h" or "1d"';
/** What a rate looks like, for error messages. */
export const RATE_HINT = 'a rate such as 9 (per second), "9/s", "500/min" or "2/h"';

/** Parses a duration in seconds; returns an error string when it is not one. */
export function parseDuration(v: unknown): number | string {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : `expected ${DURATION_HINT}, got ${show(v)}`;
  }
  if (typeof v !== 'string') return `expected ${DURATION_HINT}, got ${show(v)}`;
  const s = v.trim().toLowerCase();
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(s)) return Number(s);
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1).trim() : s;
  let total = 0;
  let pos = 0;
  TERM.lastIndex = 0;
  while (pos < body.length) {
    TERM.lastIndex = pos;
    const m = TERM.exec(body);
    if (!m) return `expected ${DURATION_HINT}, got ${show(v)}`;
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    pos = TERM.lastIndex;
    while (body[pos] === ' ') pos++;
  }
  if (pos === 0) return `expected ${DURATION_HINT}, got ${show(v)}`;
  return neg ? -total : total;
}

/** Parses a rate in events per second; returns an error string when it is not one. */
export function parseRate(v: unknown): number | string {
  if (typeof v === 'number') return Number.isFinite(v) ? v : `expected ${RATE_HINT}, got ${show(v)}`;
  if (typeof v !== 'string') return `expected ${RATE_HINT}, got ${show(v)}`;
  const m = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(?:\/\s*([a-z]+)|per\s+([a-z]+))?\s*$/i.exec(v);
  if (!m) return `expected ${RATE_HINT}, got ${show(v)}`;
  const n = Number(m[1]);
  const unit = (m[2] ?? m[3] ?? 's').toLowerCase();
  const per: Record<string, number> = {
    ms: 0.001, s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hr: 3600, hour: 3600, d: 86400, day: 86400,
  };
  if (!(unit in per)) return `expected ${RATE_HINT}, got ${show(v)} (unknown unit "${unit}")`;
  return n / per[unit];
}

/** Formats a seconds value compactly for people (`850ms`, `2s`, `1.5h`). */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  const a = Math.abs(s);
  if (a === 0) return '0s';
  if (a < 1) return `${round(s * 1000)}ms`;
  if (a < 120) return `${round(s)}s`;
  if (a < 7200) return `${round(s / 60)}m`;
  if (a < 172800) return `${round(s / 3600)}h`;
  return `${round(s / 86400)}d`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

