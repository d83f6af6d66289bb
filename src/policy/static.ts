import type { PoolDecision, PoolPolicy } from './policy.js';

/** A fixed pool size. */
export class StaticPolicy implements PoolPolicy {
  readonly name = 'static';
  constructor(private readonly size: number) {}
  decide(): PoolDecision {
    return { target: this.size, valid: true };
  }
}
