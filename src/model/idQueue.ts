/** A growable FIFO of non-negative integer ids on a power-of-two ring buffer (no allocation per push). */
export class IdQueue {
  private buf: Int32Array;
  private head = 0;
  /** Number of queued ids. */
  size = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.buf = new Int32Array(cap);
  }

  /** Appends an id. */
  push(id: number): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) & (this.buf.length - 1)] = id;
    this.size++;
  }

  /** The oldest id (only valid when size > 0). */
  peek(): number {
    return this.buf[this.head];
  }

  /** Removes and returns the oldest id (only valid when size > 0). */
  shift(): number {
    const id = this.buf[this.head];
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.size--;
    return id;
  }

  private grow(): void {
    const cap = this.buf.length;
    const next = new Int32Array(cap * 2);
    for (let j = 0; j < this.size; j++) next[j] = this.buf[(this.head + j) & (cap - 1)];
    this.buf = next;
    this.head = 0;
  }
}
