// The overload guard's decision: a new session is refused while the event loop lags past its bound or
// while more commands than allowed are unanswered, and admitted again as soon as both are back under.
import { describe, expect, it } from 'vitest';
import { OverloadGuard } from '../../src/runtime/overload.js';

describe('OverloadGuard', () => {
  it('refuses over either bound, naming which, and admits again below both', () => {
    const load = { lag: 0, pending: 0 };
    const guard = new OverloadGuard(
      { maxEventLoopLagMs: 200, maxPendingCommands: 50 },
      { eventLoopLagMs: () => load.lag, pendingCommands: () => load.pending },
    );
    expect(guard.admit()).toEqual({ ok: true });
    load.lag = 200;
    expect(guard.admit().ok).toBe(true);
    load.lag = 201.4;
    expect(guard.admit()).toEqual({
      ok: false,
      reason: 'event loop lag 201 ms > 200 ms',
      lagMs: 201.4,
      pendingCommands: 0,
    });
    load.lag = 10;
    load.pending = 51;
    expect(guard.admit()).toEqual({
      ok: false,
      reason: '51 commands unanswered > 50',
      lagMs: 10,
      pendingCommands: 51,
    });
    load.pending = 50;
    expect(guard.admit()).toEqual({ ok: true });
  });
});
