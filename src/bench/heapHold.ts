import { EventHeap } from '../engine/heap.js';

/** A plain binary heap of event objects, the baseline the typed-array heap is measured against. */
class ObjectHeap {
  private items: { t: number; k: number; p: number }[] = [];
  get size(): number {
    return this.items.length;
  }
  push(t: number, k: number, p: number): void {
    const a = this.items;
    a.push({ t, k, p });
    let i = a.length - 1;
    while (i > 0) {
      const j = (i - 1) >> 1;
      if (a[j].t < a[i].t || (a[j].t === a[i].t && a[j].k < a[i].k)) break;
      [a[i], a[j]] = [a[j], a[i]];
      i = j;
    }
  }
  peek(): { t: number; k: number; p: number } {
    return this.items[0];
  }
  pop(): void {
    const a = this.items;
    const last = a.pop()!;
    if (a.length === 0) return;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && (a[l].t < a[m].t || (a[l].t === a[m].t && a[l].k < a[m].k))) m = l;
      if (r < a.length && (a[r].t < a[m].t || (a[r].t === a[m].t && a[r].k < a[m].k))) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m], a[i]];
      i = m;
    }
  }
}

function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 16807) % 2147483647;
    return x / 2147483647;
  };
}

/** Nanoseconds per hold operation (pop the earliest, push it back later by an exponential delay). */
export function heapHold(): Record<string, number> {
  const soa = (n: number, ops: number) => {
    const h = new EventHeap(1024);
    const rnd = lcg(1);
    for (let i = 0; i < n; i++) h.push(-Math.log(rnd()) * 350, i, i);
    const t0 = performance.now();
    let seq = n;
    for (let i = 0; i < ops; i++) {
      const t = h.headT;
      const p = h.pop();
      h.push(t - Math.log(rnd()) * 350, seq++, p);
    }
    return ((performance.now() - t0) / ops) * 1e6;
  };
  const obj = (n: number, ops: number) => {
    const h = new ObjectHeap();
    const rnd = lcg(1);
    for (let i = 0; i < n; i++) h.push(-Math.log(rnd()) * 350, i, i);
    const t0 = performance.now();
    let seq = n;
    for (let i = 0; i < ops; i++) {
      const e = h.peek();
      h.pop();
      h.push(e.t - Math.log(rnd()) * 350, seq++, e.p);
    }
    return ((performance.now() - t0) / ops) * 1e6;
  };
  soa(1000, 1e5);
  obj(1000, 1e5);
  return { soa100: soa(100, 3e6), soa200k: soa(200_000, 3e6), obj100: obj(100, 3e6), obj200k: obj(200_000, 3e6) };
}
