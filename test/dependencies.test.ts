import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

/**
 * The folders of src/ form layers: engine ← random ← config ← scenario ← workload ← model ← sim
 * ← cli (each may import only those before it; src/errors.ts is below them all, src/index.ts
 * above). A cycle between folders, or between files, fails here — type-only imports included,
 * since they show a boundary in the wrong place as much as value imports do (docs/ARCHITECTURE.md).
 */
const LAYERS = ['engine', 'random', 'config', 'scenario', 'workload', 'model', 'sim', 'cli'];

/** A folder of src/ (a file at src/'s root is its own). */
const folderOf = (path: string) => path.split('/')[1];

/** One cycle through the graph, as a path that starts and ends at the same node, or null. */
export function findCycle(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: done
  const path: string[] = [];
  const visit = (v: string): string[] | null => {
    state.set(v, 1);
    path.push(v);
    for (const w of edges.get(v) ?? []) {
      if (state.get(w) === 1) return [...path.slice(path.indexOf(w)), w];
      if (!state.has(w)) {
        const c = visit(w);
        if (c) return c;
      }
    }
    path.pop();
    state.set(v, 2);
    return null;
  };
  for (const v of [...edges.keys()].sort()) {
    if (state.has(v)) continue;
    const c = visit(v);
    if (c) return c;
  }
  return null;
}

/** Import edges between files of src/ (type-only imports included), and between their folders with an example each. */
async function graph(): Promise<{ files: Map<string, Set<string>>; folders: Map<string, Set<string>>; why: Map<string, string> }> {
  const r = await cruise(['src'], { tsPreCompilationDeps: true, tsConfig: { fileName: 'tsconfig.json' } }, {}, { tsConfig: extractTSConfig('tsconfig.json') });
  const result = r.output as ICruiseResult;
  const files = new Map<string, Set<string>>();
  const folders = new Map<string, Set<string>>();
  const why = new Map<string, string>();
  const add = (m: Map<string, Set<string>>, a: string, b: string) => (m.get(a) ?? m.set(a, new Set()).get(a)!).add(b);
  for (const m of result.modules) {
    if (!m.source.startsWith('src/')) continue;
    for (const d of m.dependencies) {
      if (!d.resolved.startsWith('src/')) continue;
      add(files, m.source, d.resolved);
      const a = folderOf(m.source);
      const b = folderOf(d.resolved);
      if (a === b) continue;
      add(folders, a, b);
      if (!why.has(`${a}>${b}`)) why.set(`${a}>${b}`, `${m.source} → ${d.resolved}`);
    }
  }
  return { files, folders, why };
}

describe('dependencies of src/', () => {
  it('the cycle finder finds a cycle (and none in a chain)', () => {
    const g = (pairs: [string, string][]) => {
      const m = new Map<string, Set<string>>();
      for (const [a, b] of pairs) (m.get(a) ?? m.set(a, new Set()).get(a)!).add(b);
      return m;
    };
    expect(findCycle(g([['a', 'b'], ['b', 'c'], ['c', 'd']]))).toBeNull();
    expect(findCycle(g([['a', 'b'], ['b', 'c'], ['c', 'a']]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(g([['x', 'y'], ['y', 'z'], ['z', 'y']]))).toEqual(['y', 'z', 'y']);
  });

  it('no cycle between folders, nor between files; the layers hold', async () => {
    const { files, folders, why } = await graph();
    expect(files.size).toBeGreaterThan(100); // the cruise saw the source tree
    const folderCycle = findCycle(folders);
    const explain = (c: string[] | null) => c && c.slice(1).map((b, i) => `${c[i]} → ${b} (${why.get(`${c[i]}>${b}`)})`).join('; ');
    expect(explain(folderCycle), 'a cycle between folders of src/').toBeNull();
    expect(findCycle(files), 'a cycle between files of src/').toBeNull();
    const upward: string[] = [];
    for (const [a, to] of folders) {
      const la = LAYERS.indexOf(a);
      if (la < 0) continue;
      for (const b of to) if (LAYERS.indexOf(b) > la) upward.push(`${a} → ${b} (${why.get(`${a}>${b}`)})`);
    }
    expect(upward, 'an import from a lower layer into a higher one').toEqual([]);
    expect(folders.get('engine') ?? new Set(), 'the engine imports nothing of the project').toEqual(new Set());
  }, 120_000);
});
