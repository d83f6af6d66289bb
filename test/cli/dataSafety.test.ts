import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { settingsDiff, sweepSettings } from '../../src/sweep/settings.js';

/** The built CLI (npm test compiles first). */
const CLI = join(process.cwd(), 'dist/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'tidecast-safety-'));
const SHORT = ['--set', 'duration=20m', '--set', 'warmup=1m', '--replications', '1', '--workers', '0', '--quiet'];

function tidecast(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sentinel = (dir: string, name = 'mine.txt') => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), 'keep me\n');
};

describe('--out never replaces what is there without --force', () => {
  it('run: a non-empty folder is refused before the run; --force writes into it', () => {
    const d = join(tmp, 'run');
    sentinel(d, 'report.html');
    const r = tidecast('run', 'scenarios/default.yaml', '--out', d, ...SHORT);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`tidecast: --out ${d}: the folder is not empty (report.html); choose a new folder, or add --force to replace what is there`);
    expect(r.stdout).toBe(''); // refused before running
    expect(readFileSync(join(d, 'report.html'), 'utf8')).toBe('keep me\n');
    expect(tidecast('run', 'scenarios/default.yaml', '--out', d, '--force', ...SHORT).code).toBe(0);
    expect(readFileSync(join(d, 'report.html'), 'utf8')).toMatch(/<html/i);
    // an empty or missing folder needs no --force
    mkdirSync(join(tmp, 'empty'));
    expect(tidecast('run', 'scenarios/default.yaml', '--out', join(tmp, 'empty'), ...SHORT).code).toBe(0);
  });

  it('compare: the same', () => {
    const d = join(tmp, 'compare');
    sentinel(d);
    const r = tidecast('compare', 'scenarios/default.yaml', '--vary', 'infrastructure.warmPool.size=10,20', '--out', d, ...SHORT);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*compare: the folder is not empty \(mine\.txt\).*--force/);
  });

  it('trace synth, trace import, merge and trace inspect --html: an existing file is refused; --force overwrites', () => {
    const f = join(tmp, 'synth.csv');
    writeFileSync(f, 'keep me\n');
    const synth = ['trace', 'synth', '--days', '1', '--step', '1h', '--peak', '500/s', '--trough', '60/s', '--out', f];
    const r = tidecast(...synth);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`tidecast: --out ${f}: the file exists; choose another name, or add --force to overwrite it`);
    expect(readFileSync(f, 'utf8')).toBe('keep me\n');
    expect(tidecast(...synth, '--force').code).toBe(0);
    expect(readFileSync(f, 'utf8')).toMatch(/^time,count\n/);
    expect(tidecast('trace', 'import', f, '--step', '1h', '--out', f).stderr).toMatch(/the file exists/);
    expect(tidecast('trace', 'inspect', f, '--step', '1h', '--html', f).stderr).toMatch(/--html .*: the file exists/);
    expect(tidecast('trace', 'synth', '--days', '1', '--step', '1h', '--peak', '5/s', '--trough', '1/s', '--out', tmp).stderr).toMatch(/a folder, not a file/);
  });
});

describe('a sweep records what shaped its rows and refuses to mix', () => {
  const GRID = ['--vary', 'infrastructure.warmPool.size=10,20'];
  const sweep = (d: string, ...more: string[]) => tidecast('sweep', 'scenarios/default.yaml', ...GRID, '--out', d, ...SHORT, ...more);

  it('resuming with other replications, seed, --set or an edited scenario is refused, naming what changed; --force starts afresh', () => {
    const d = join(tmp, 'sweep');
    expect(sweep(d).code).toBe(0);
    const meta = JSON.parse(readFileSync(join(d, 'sweep.meta.json'), 'utf8'));
    expect(meta).toMatchObject({ seed: 7, replications: 1, vary: ['infrastructure.warmPool.size'] });
    expect(meta.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(sweep(d).code).toBe(0); // same settings: resumes (nothing to do)
    const reps = sweep(d, '--replications', '2');
    expect(reps.code).toBe(2);
    expect(reps.stderr).toMatch(/sweep\.csv: its rows were made with other settings \(replications 1 → 2.*\); resuming would mix them: choose another --out, or add --force/);
    expect(sweep(d, '--seed', '8').stderr).toMatch(/seed 7 → 8/);
    expect(sweep(d, '--set', 'infrastructure.reserved.slots=900').stderr).toMatch(/--set .*→ .*infrastructure\.reserved\.slots=900/);
    // an edited scenario (a copy in another folder, changed)
    const sc = join(tmp, 'edited.yaml');
    copyFileSync('scenarios/default.yaml', sc);
    const e = join(tmp, 'sweep-edited');
    expect(tidecast('sweep', sc, ...GRID, '--out', e, ...SHORT).code).toBe(0);
    writeFileSync(sc, readFileSync(sc, 'utf8') + '# a comment changes nothing\n');
    expect(tidecast('sweep', sc, ...GRID, '--out', e, ...SHORT).code).toBe(0);
    writeFileSync(sc, readFileSync(sc, 'utf8').replace('costPerSlotHour: 0.05', 'costPerSlotHour: 0.06'));
    expect(tidecast('sweep', sc, ...GRID, '--out', e, ...SHORT).stderr).toMatch(/the scenario was edited/);
    // --force: afresh, with the new settings recorded
    expect(sweep(d, '--replications', '2', '--force').code).toBe(0);
    expect(JSON.parse(readFileSync(join(d, 'sweep.meta.json'), 'utf8')).replications).toBe(2);
    // rows without a record (an earlier tidecast) are not resumed blindly
    const old = join(tmp, 'sweep-old');
    expect(sweep(old).code).toBe(0);
    rmSync(join(old, 'sweep.meta.json'));
    expect(sweep(old).stderr).toMatch(/no record of the settings that made them \(sweep\.meta\.json is missing\)/);
    // a folder holding other things is refused like run's
    const busy = join(tmp, 'sweep-busy');
    sentinel(busy);
    expect(sweep(busy).stderr).toMatch(/the folder is not empty \(mine\.txt\)/);
  });

  it('merge refuses shards made with other settings', () => {
    const a = join(tmp, 'shards-a');
    const b = join(tmp, 'shards-b');
    expect(sweep(a, '--shard', '0/2').code).toBe(0);
    expect(sweep(a, '--shard', '1/2').code).toBe(0); // a sibling shard in the same folder is fine
    expect(sweep(b, '--shard', '1/2', '--seed', '9').code).toBe(0);
    expect(readdirSync(a).sort()).toEqual(['sweep.shard-0-of-2.csv', 'sweep.shard-0-of-2.meta.json', 'sweep.shard-1-of-2.csv', 'sweep.shard-1-of-2.meta.json']);
    const ok = tidecast('merge', join(a, 'sweep.shard-0-of-2.csv'), join(a, 'sweep.shard-1-of-2.csv'), '--out', join(tmp, 'merged.csv'));
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(tmp, 'merged.meta.json'), 'utf8')).seed).toBe(7);
    const r = tidecast('merge', join(a, 'sweep.shard-0-of-2.csv'), join(b, 'sweep.shard-1-of-2.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/shard-1-of-2\.csv: made with other settings than .*shard-0-of-2\.csv \(seed 7 → 9/);
    expect(tidecast('merge', join(a, 'sweep.shard-0-of-2.csv'), '--out', join(tmp, 'merged.csv')).stderr).toMatch(/the file exists/);
  });

  it('the fingerprint covers the version and the scenario as run, not its comments', () => {
    const s = loadScenario('scenarios/default.yaml');
    const a = sweepSettings('scenarios/default.yaml', s, [], ['k'], '0.1.0');
    expect(sweepSettings('elsewhere/default.yaml', s, [], ['k'], '0.1.0').fingerprint).toBe(a.fingerprint);
    const b = sweepSettings('scenarios/default.yaml', s, [], ['k'], '0.2.0');
    expect(settingsDiff(a, b)).toEqual(['tidecast version 0.1.0 → 0.2.0']);
    const c = sweepSettings('scenarios/default.yaml', { ...s, replications: 5 }, ['replications=5'], ['k'], '0.1.0');
    expect(settingsDiff(a, c)).toEqual(['replications 3 → 5', '--set none → replications=5']);
  });
});
