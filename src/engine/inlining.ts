import { setFlagsFromString } from 'node:v8';

/**
 * V8's cumulative inlining budget for one optimized function, in bytecode bytes (V8's default: 920).
 *
 * Why: an event's handler chain is many small methods deep (the M/M/c arrival: the arrival
 * process, the session table, the tiers, the placement, the zero cold start, the session's start,
 * its end drawn and scheduled). With the default budget V8 stops inlining part-way and leaves the
 * rest as calls (`after`, the histogram's `record`, the placement, the start), each re-checking
 * maps and boxing its double arguments as heap numbers (garbage); which calls are left depends on
 * byte counts, so small edits move them from one place to another. At 4,000: M/M/c 3,432 → 3,080
 * instructions a customer, kimi-peak 2,338 → 2,049 an event (callgrind; README, Performance). The
 * size up to which one function is inlined stays V8's (460 bytes): raised to 600 or 1,000 it let
 * the fleet's start (`onReady`, 532 bytes) into the M/M/c arrival's chain (2,969) but cost
 * kimi-peak 4% (2,134); so did cutting `onReady` under 460 (2,110; and M/M/c at the default budget
 * 3,471): neither kept.
 */
export const INLINE_CUMULATIVE_BYTES = 4000;

/**
 * Raises V8's inlining budget for this process (and its worker threads, which share V8's flags):
 * the engine's handler chains are then compiled whole. It changes only how V8 compiles, never a
 * result; it costs compile time (more code per optimized function), so it pays only in long runs:
 * `runReplication` calls it for a replication of ≥ 2·10⁷ expected events, before its handlers are
 * optimized. Node's `--max-inlined-bytecode-size-cumulative=4000` does the same from the start.
 */
export function raiseInliningBudget(): void {
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINE_CUMULATIVE_BYTES}`);
}
