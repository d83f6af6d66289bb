import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSource } from '../../src/scaler/fileSource.js';
import { HttpSource } from '../../src/scaler/httpSource.js';
import { runReplay, startScaler } from '../../src/scaler/run.js';
import { parityConfig, simulatorTargets, TRACE } from './fixtures.js';

let server: http.Server;
let base = '';
let answer: (url: URL) => { status: number; body: string; delayMs?: number } = () => ({ status: 200, body: '[]' });
const seen: { url: string; auth?: string }[] = [];

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    seen.push({ url: req.url!, auth: req.headers.authorization });
    const a = answer(new URL(req.url!, 'http://x'));
    if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(a.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/arrivals`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('HTTP JSON source', () => {
  it('reads {start, step, values} (null missing) and [[t, v], ...]; asks for the range; sends the bearer token; scales rates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidecast-src-'));
    writeFileSync(join(dir, 'token'), 's3cret\n');
    answer = (u) => {
      expect(u.searchParams.get('start')).toBe('130');
      expect(u.searchParams.get('end')).toBe('160');
      expect(u.searchParams.get('step')).toBe('10');
      return { status: 200, body: JSON.stringify({ start: 130, step: 10, values: [5, null, 7, 9] }) };
    };
    const src = new HttpSource(base, 'count', { timeout: 2, bearerTokenFile: join(dir, 'token') });
    expect(Array.from(await src.read(160, 4, 10))).toEqual([5, NaN, 7, 9]);
    expect(seen.at(-1)!.auth).toBe('Bearer s3cret');
    answer = () => ({ status: 200, body: JSON.stringify([[140, 0.5], [160, 1.5]]) });
    expect(Array.from(await new HttpSource(base, 'rate', { timeout: 2 }).read(160, 4, 10))).toEqual([NaN, 5, NaN, 15]);
  });

  it('errors by kind: HTTP status, a body that is not the format, a timeout', async () => {
    const src = new HttpSource(base, 'count', { timeout: 0.2 });
    answer = () => ({ status: 503, body: '{"error":"down"}' });
    await expect(src.read(60, 2, 30)).rejects.toMatchObject({ kind: 'http' });
    answer = () => ({ status: 200, body: '{"nope": 1}' });
    await expect(src.read(60, 2, 30)).rejects.toMatchObject({ kind: 'bad_response' });
    answer = () => ({ status: 200, body: 'not json' });
    await expect(src.read(60, 2, 30)).rejects.toMatchObject({ kind: 'bad_response' });
    answer = () => ({ status: 200, body: '[]', delayMs: 600 });
    await expect(src.read(60, 2, 30)).rejects.toMatchObject({ kind: 'timeout' });
    // null is a broken answer (retried), not a bad query
    answer = () => ({ status: 200, body: 'null' });
    await expect(src.read(60, 2, 30)).rejects.toMatchObject({ kind: 'bad_response' });
  });

  it('bounds: a body over maxBytes is too_large; the deadline is total (the read\'s own limit is shorter than the timeout)', async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ start: 0, step: 30, values: new Array(5000).fill(1) }) });
    await expect(new HttpSource(base, 'count', { timeout: 2, maxBytes: 4096 }).read(60, 2, 30)).rejects.toMatchObject({ kind: 'too_large' });
    answer = () => ({ status: 200, body: '[]', delayMs: 400 });
    const t0 = performance.now();
    await expect(new HttpSource(base, 'count', { timeout: 10 }).read(60, 2, 30, { timeoutMs: 150 })).rejects.toMatchObject({ kind: 'timeout' });
    expect(performance.now() - t0).toBeLessThan(350);
  });
});

describe('trace file source', () => {
  it('interval traces are kept as counts (not one element per arrival) and read exactly as the arrivals they stand for', async () => {
    const text = 'time,count\n0,3\n60,0\n120,7\n180,2\n';
    const f = FileSource.fromText(text, 'x.csv');
    // the arrivals the simulator replays: each interval's count at its start
    const times = [0, 0, 0, 120, 120, 120, 120, 120, 120, 120, 180, 180];
    const { binRequests } = await import('../../src/scaler/source.js');
    for (const [end, n, step] of [[240, 4, 60], [240, 8, 30], [300, 3, 90], [200, 5, 45], [60, 3, 60]] as const) {
      expect(Array.from(await f.read(end, n, step)), `${end} ${n} ${step}`).toEqual(Array.from(binRequests(times, f.startS, f.endS, end, n, step)));
    }
  });
});

describe('JSON file source', () => {
  it('counts per interval in a .json file replay to the same decisions as the CSV trace (and the simulator)', async () => {
    const csv = FileSource.open(TRACE);
    const n = Math.floor((csv.endS - csv.startS) / 15);
    const counts = await csv.read(csv.startS + n * 15, n, 15);
    const dir = mkdtempSync(join(tmpdir(), 'tidecast-json-'));
    const file = join(dir, 'arrivals.json');
    writeFileSync(file, JSON.stringify({ start: csv.startS + 15, step: 15, values: Array.from(counts) }));
    const sim = simulatorTargets();
    const c = parityConfig(sim.leadTimeS, `{ file: { path: "${file}" } }`);
    const source = FileSource.open(file);
    expect(source.startS).toBeCloseTo(csv.startS, 6);
    const r = await startScaler(c, { source, log: () => {} });
    const live = (await runReplay(r, c.interval, source.startS, source.endS)).map((d) => d.target);
    await r.close();
    expect(live.length).toBeGreaterThan(220);
    expect(live).toEqual(sim.targets.slice(0, live.length));
  });
});
