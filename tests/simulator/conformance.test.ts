// Conformance: the simulator, driven through every recorded scenario, must send what FreeSWITCH 1.10.12
// sent — event names and order per channel, the headers dynconf reads, replies and job results — except
// for the deviations listed (with their reasons) in deviations.ts.
import { describe, expect, test } from 'vitest';
import { traceFiles } from '../support/traces.js';
import { compareRun, keepFilter } from './conformance/compare.js';
import { replayTrace } from './conformance/replay.js';
import { deviationsFor } from './deviations.js';

describe('simulator conformance with the FreeSWITCH recordings', () => {
  for (const file of traceFiles()) {
    test(file, async () => {
      const deviations = deviationsFor(file);
      const run = await replayTrace(file, keepFilter(deviations));
      const diffs = compareRun(run, deviations);
      const report = diffs.map((d) => `- ${d.subject}: ${d.detail}`).join('\n');
      // the run must have exercised something: channels paired up and replies compared
      expect(run.replies.length).toBeGreaterThan(3);
      expect(report).toBe('');
      // every command went out once the simulator had sent what FreeSWITCH had sent by then (replay.ts
      // ALIGN_MS): otherwise the simulator was slower than FreeSWITCH there, and the run compared the
      // simulator in another situation than the recording's
      expect(run.lagging).toEqual([]);
    }, 120_000);
  }
});
