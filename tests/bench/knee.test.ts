// The capacity ramp's verdicts: which rates were sustained, the knee, and which side limited.
import { describe, expect, it } from 'vitest';
import { analyseKnee, type KneeStep, shortfalls, sustained } from '../../bench/load/knee.js';
import { distribution } from '../../bench/stats.js';

function step(perSecond: number, overrides: Partial<KneeStep> = {}): KneeStep {
  const started = perSecond * 4;
  return {
    perSecond,
    started,
    completed: started,
    refused: 0,
    lost: 0,
    reactionMs: distribution([0.2, 0.5, 1]),
    flowMs: distribution([1200, 1250, 1300]),
    controller: { cpuCores: 0.2, lagP99Ms: 2 },
    simulator: { cpuCores: 0.3, busiestNodeCpuCores: 0.1, lagP99Ms: 2 },
    controllerCpuMsPerAdmin: 5,
    simulatorCpuMsPerAdmin: 10,
    ...overrides,
  };
}

describe('capacity ramp', () => {
  it('a step is sustained only when every administrator is done quickly, reactions fast, callers not slowed', () => {
    const unloaded = 1250;
    expect(sustained(step(25), unloaded)).toBe(true);
    expect(shortfalls(step(50, { completed: 190, lost: 10 }), unloaded)).toEqual(['10 lost']);
    expect(shortfalls(step(50, { completed: 190, refused: 10 }), unloaded)).toEqual(['10 refused (busy)']);
    expect(shortfalls(step(50, { completed: 190 }), unloaded)).toEqual(['not every flow accounted for']);
    expect(shortfalls(step(50, { reactionMs: distribution([1, 6]) }), unloaded)).toEqual([
      'reaction p99 6.00 ms',
    ]);
    expect(shortfalls(step(50, { flowMs: distribution([3000]) }), unloaded)).toEqual([
      'callers slowed: flow p50 3.0 s (1.3 s unloaded)',
    ]);
    // 1.5× the unloaded time is still sustained; more is not.
    expect(sustained(step(50, { flowMs: distribution([1875]) }), unloaded)).toBe(true);
    expect(sustained(step(50, { flowMs: distribution([1876]) }), unloaded)).toBe(false);
  });

  it('the knee is the last rate sustained before the first that was not; per-core capacity from CPU per administrator', () => {
    const steps = [
      step(25, { controllerCpuMsPerAdmin: 4, simulatorCpuMsPerAdmin: 8 }),
      step(50, { controllerCpuMsPerAdmin: 6, simulatorCpuMsPerAdmin: 12 }),
      step(100, { flowMs: distribution([4000]), controllerCpuMsPerAdmin: 50 }),
      step(200), // after the first failure: not looked at
    ];
    const analysis = analyseKnee(steps, 2);
    expect(analysis.kneePerSecond).toBe(50);
    expect(analysis.failedAtPerSecond).toBe(100);
    // Means of the sustained steps only: 5 ms and 10 ms per administrator.
    expect(analysis.controllerPerCoreSecond).toBeCloseTo(200);
    expect(analysis.simulatorPerCoreSecond).toBeCloseTo(100);
  });

  it('names the side that gave out', () => {
    const failing = { flowMs: distribution([9000]) };
    const sideAt = (overrides: Partial<KneeStep>) =>
      analyseKnee([step(25), step(50, { ...failing, ...overrides })], 2).limit.side;
    expect(sideAt({ controller: { cpuCores: 0.95, lagP99Ms: 80 } })).toBe('controller');
    expect(sideAt({ simulator: { cpuCores: 1.2, busiestNodeCpuCores: 0.9, lagP99Ms: 80 } })).toBe(
      'simulator',
    );
    expect(
      sideAt({
        controller: { cpuCores: 0.95, lagP99Ms: 80 },
        simulator: { cpuCores: 0.95, busiestNodeCpuCores: 0.9, lagP99Ms: 80 },
      }),
    ).toBe('machine');
    // Neither alone on a core, but together they fill 80% of the 2 CPUs: their lateness is the machine's.
    expect(
      sideAt({
        controller: { cpuCores: 0.6, lagP99Ms: 250 },
        simulator: { cpuCores: 1.0, busiestNodeCpuCores: 0.4, lagP99Ms: 40 },
      }),
    ).toBe('machine');
    expect(
      sideAt({
        controller: { cpuCores: 0.3, lagP99Ms: 250 },
        simulator: { cpuCores: 0.5, busiestNodeCpuCores: 0.2, lagP99Ms: 1 },
      }),
    ).toBe('controller');
    expect(sideAt({})).toBe('neither');
    const limit = analyseKnee([step(25), step(50, failing)], 2).limit;
    expect(limit.detail).toContain('callers slowed: flow p50 9.0 s');
    expect(limit.detail).toContain('controller 0.20 cores');
  });

  it('every rate sustained: the knee is the highest tried and the limit was not reached', () => {
    const analysis = analyseKnee([step(25), step(50)], 2);
    expect(analysis.kneePerSecond).toBe(50);
    expect(analysis.failedAtPerSecond).toBeUndefined();
    expect(analysis.limit.side).toBe('not reached');
  });

  it('not even the first rate sustained: no knee', () => {
    const analysis = analyseKnee([step(25, { lost: 1, completed: 99 })], 2);
    expect(analysis.kneePerSecond).toBeUndefined();
    expect(analysis.failedAtPerSecond).toBe(25);
  });
});
