import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitValues } from '../../src/sweep/grid.js';
import { parseTrace, traceSpec } from '../../src/workload/trace.js';

/** The built CLI (npm test compiles first). */
const CLI = join(process.cwd(), 'dist/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'tidecast-errors-'));

function tidecast(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 with one line on stderr, matching `re`. */
function refused(r: { code: number | null; stderr: string }, re: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(re);
  expect(r.stderr).not.toMatch(/\n\s+at |EISDIR|ENOENT|NaN/);
}

describe('errors name their real source', () => {
  it('--set that makes an unknown key blames the flag, not the scenario file', () => {
    refused(tidecast('run', 'scenarios/default.yaml', '--set', 'foo.bar.baz=1', '--quiet'), /^tidecast: --set foo\.bar\.baz=1: foo: unknown key/);
  });

  it('compare --vary reads values as YAML flow values and names --vary', () => {
    expect(splitValues('{ lognormal: { median: 2s, p99: 6s } },3s, [1, 2] ,"a,b"', '--vary k')).toEqual(['{ lognormal: { median: 2s, p99: 6s } }', '3s', '[1, 2]', '"a,b"']);
    expect(() => splitValues('{ a: 1 ', '--vary k')).toThrow(/--vary k: unclosed "\{"/);
    const r = tidecast('compare', 'scenarios/default.yaml', '--vary', 'infrastructure.reserved.coldStart={ lognormal: { median: 2s, p99: 6s } },{ lognormal: { median: 3s, p99: 2s } }', '--quiet');
    refused(r, /^tidecast: --vary infrastructure\.reserved\.coldStart=.* \(value 2, .*\): infrastructure\.reserved\.coldStart\.lognormal\.p99: expected p99 ≥ median/);
    expect(r.stderr).not.toMatch(/--set/);
    refused(tidecast('sweep', 'scenarios/default.yaml', '--vary', 'infrastructure.warmPool.size=10,x', '--out', join(tmp, 'sw'), '--quiet'), /^tidecast: --vary infrastructure\.warmPool\.size=10,x \(value 2, "x"\): infrastructure\.warmPool\.size: expected a non-negative integer/);
  });

  it('a missing trace names the scenario file and line', () => {
    const f = join(tmp, 'missing.yaml');
    writeFileSync(f, 'duration: 1h\nworkload:\n  sessionDuration: 1s\n  arrivals:\n    trace: { path: nope.csv }\n');
    refused(tidecast('run', f, '--quiet'), new RegExp(`^tidecast: ${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5: workload\\.arrivals\\.trace\\.path: cannot read trace file nope\\.csv \\(no such file`));
    refused(tidecast('run', f, '--set', `workload.arrivals.trace.path=${tmp}`, '--quiet'), /^tidecast: --set workload\.arrivals\.trace\.path=.*: cannot read trace file .* \(it is a directory/);
  });

  it('a directory gives a clean one-line error', () => {
    refused(tidecast('run', 'scenarios', '--quiet'), /^tidecast: scenarios: cannot read the scenario file \(it is a directory, not a file\)$/);
    refused(tidecast('check', 'scenarios', '--quiet'), /it is a directory/);
    refused(tidecast('trace', 'inspect', 'traces'), /^tidecast: traces: cannot read the trace \(it is a directory/);
  });

  it('merge on a CSV that is not a sweep says what is wrong', () => {
    const f = join(tmp, 'not-sweep.csv');
    writeFileSync(f, 'a,b\n1,2\n');
    refused(tidecast('merge', f, f), /not-sweep\.csv:1: not a sweep CSV: expected the columns index, <varied keys>, warmHitRate.*; got a, b$/);
  });

  it('trace synth refuses a trough above the peak', () => {
    refused(tidecast('trace', 'synth', '--days', '1', '--step', '1h', '--peak', '60/s', '--trough', '500/s'), /^tidecast: --trough: expected a rate no higher than --peak \(60\/s\), got "500\/s"$/);
  });

  it('trace import takes --trace-format like every other command; --format still works, with a deprecation line', () => {
    const a = tidecast('trace', 'import', 'traces/azure-llm-2023-code.csv', '--step', '10m', '--trace-format', 'requests');
    expect(a.code).toBe(0);
    expect(a.stderr).toBe('');
    const b = tidecast('trace', 'import', 'traces/azure-llm-2023-code.csv', '--step', '10m', '--format', 'requests');
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stderr).toMatch(/--format is deprecated.*use --trace-format/);
    refused(tidecast('trace', 'import', 'traces/azure-llm-2023-code.csv', '--step', '10m', '--trace-format', 'per-row'), /^tidecast: --trace-format: expected auto, requests/);
  });

  it('a per-interval trace with its count column misnamed is an error naming the columns; per row only when asked', () => {
    const text = readFileSync('traces/azure-llm-2023-code-10s.csv', 'utf8').replace(/^time,count/, 'time,foo');
    const f = join(tmp, 'foo.csv');
    writeFileSync(f, text);
    expect(() => parseTrace(traceSpec(f), { file: f, text })).toThrow(/foo\.csv:1: looks like a per-interval trace \(a row every 10 s, numeric column foo\) but has no "count" or "rate" column; the columns are time, foo/);
    refused(tidecast('trace', 'import', f, '--step', '1m'), /the columns are time, foo/);
    // asked for: one request per row
    const rows = text.trim().split('\n').length - 1;
    const t = parseTrace(traceSpec(f, { format: 'requests' }), { file: f, text });
    expect(t.kind === 'requests' && t.timesS.length).toBe(rows);
    // named: the counts (8,819 requests)
    const named = parseTrace(traceSpec(f, { countColumn: 'foo' }), { file: f, text });
    expect(named.kind).toBe('intervals');
    // a real per-request trace (irregular times, token columns) still reads per row under auto
    const req = readFileSync('traces/azure-llm-2023-code.csv', 'utf8');
    expect(parseTrace(traceSpec('code.csv'), { file: 'code.csv', text: req }).kind).toBe('requests');
  });

  it('reads the traces users export: a count column by another name (--count-column), semicolons or tabs, a first row missing', () => {
    const text = readFileSync('traces/azure-llm-2023-code-10s.csv', 'utf8');
    const base = tidecast('forecast', 'traces/azure-llm-2023-code-10s.csv', '--step', '1m', '--horizon', '5m', '--quiet');
    expect(base.code).toBe(0);
    // timestamp,requests (a Prometheus or spreadsheet export): refused under auto, read when the columns are named
    const named = join(tmp, 'named.csv');
    writeFileSync(named, text.replace(/^time,count/, 'timestamp,requests'));
    refused(tidecast('forecast', named, '--step', '1m', '--horizon', '5m'), /--count-column on the command line/);
    const byName = tidecast('forecast', named, '--step', '1m', '--horizon', '5m', '--quiet', '--count-column', 'requests', '--time-column', 'timestamp');
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toBe(base.stdout);
    refused(tidecast('backtest', named, '--step', '1m', '--horizon', '5m', '--count-column', 'hits'), /named\.csv:1: no count column "hits"; the columns are timestamp, requests/);
    // semicolons (a locale with decimal commas) and tabs
    for (const [name, sep] of [['semi.csv', ';'], ['tabs.csv', '\t']]) {
      const f = join(tmp, name);
      writeFileSync(f, text.replace(/,/g, sep));
      const r = tidecast('forecast', f, '--step', '1m', '--horizon', '5m', '--quiet');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(base.stdout);
    }
    // the second row missing: the step is the smallest gap (10 s), not the first two rows' (20 s, and then "not a whole number of steps")
    const lines = text.trim().split('\n');
    const gap = join(tmp, 'gap.csv');
    writeFileSync(gap, [lines[0], lines[1], ...lines.slice(3)].join('\n'));
    const t = parseTrace(traceSpec(gap), { file: gap, text: readFileSync(gap, 'utf8') });
    expect(t.kind === 'intervals' && t.curve.stepS).toBe(10);
  });
});
