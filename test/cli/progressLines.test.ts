import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainEverySeconds, plainLines } from '../../src/cli/progress.js';

const CLI = join(process.cwd(), 'dist/cli/main.js');

describe('progress where stderr is not a terminal (CI logs, kubectl logs)', () => {
  it('TIDECAST_PROGRESS: unset none, plain every 30 s, a number every that many seconds; anything else said once and ignored', () => {
    const said: string[] = [];
    expect(plainEverySeconds(undefined)).toBe(0);
    expect(plainEverySeconds('')).toBe(0);
    expect(plainEverySeconds('plain')).toBe(30);
    expect(plainEverySeconds('2.5')).toBe(2.5);
    expect(plainEverySeconds('fast', (l) => said.push(l))).toBe(0);
    expect(plainEverySeconds('-1', (l) => said.push(l))).toBe(0);
    expect(said).toEqual(['tidecast: TIDECAST_PROGRESS=fast ignored (expected plain or the seconds between progress lines, e.g. 10)\n']);
  });

  it('writes at most one line per interval, with the share done, the time elapsed and an ETA from the rate so far', () => {
    let t = 0;
    const lines: string[] = [];
    const p = plainLines('tidecast compare --policies', 10, (d, n) => `${d}/${n} replications`, () => t, (l) => lines.push(l));
    t = 4_000;
    p.update(1, 12); // under 10 s since the start: nothing
    t = 16_000;
    p.update(3, 12);
    t = 20_000;
    p.update(4, 12); // 4 s after the last line: nothing
    t = 150_000;
    p.update(11, 13); // the total grew as the search learned more
    p.stop();
    expect(lines).toEqual([
      'tidecast compare --policies: 3/12 replications, 25%, 16s elapsed, ETA 48s\n',
      'tidecast compare --policies: 11/13 replications, 85%, 2m30s elapsed, ETA 27s\n',
    ]);
  });

  it('`tidecast run` with TIDECAST_PROGRESS and stderr a pipe prints plain lines on stderr; stdout is the report alone', () => {
    const args = [CLI, 'run', 'scenarios/default.yaml', '--set', 'replications=1', '--format', 'json', '--workers', '0'];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TIDECAST_PROGRESS: '0.001' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^tidecast run: .* simulated, \d+%, \d+s elapsed, ETA /m);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    const quiet = spawnSync(process.execPath, [...args, '--quiet'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TIDECAST_PROGRESS: '0.001' } });
    expect(quiet.stderr).toBe('');
    const none = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TIDECAST_PROGRESS: '' } });
    expect(none.stderr).not.toMatch(/elapsed/);
  });
});
