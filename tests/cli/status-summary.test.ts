// `dynconf status` in words: a node FreeSWITCH refuses says why, not only "connecting".
import { describe, expect, it } from 'vitest';
import { summarizeStatus } from '../../src/cli/status-summary.js';

describe('dynconf status summary', () => {
  it('a refused password is named, on one node and on several', () => {
    const reason = 'authentication failed: check eventSocket.password';
    const one = summarizeStatus({
      name: 'dynconf',
      ready: false,
      eventSocket: { state: 'connecting', host: '127.0.0.1', port: 8021, reason },
    } as Parameters<typeof summarizeStatus>[0]);
    expect(one).toContain(`NOT connected to 127.0.0.1:8021: ${reason}`);
    const several = summarizeStatus({
      name: 'dynconf',
      ready: false,
      nodes: [
        { id: 'a:8021', state: 'connected' },
        { id: 'b:8021', state: 'connecting', reason },
      ],
    } as Parameters<typeof summarizeStatus>[0]);
    expect(several).toContain(`b:8021 NOT connected (${reason})`);
    expect(several).toContain('a:8021 connected');
  });

  it('without a reason it says the event socket state, as before', () => {
    const text = summarizeStatus({
      name: 'dynconf',
      ready: false,
      eventSocket: { state: 'reconnecting', host: '127.0.0.1', port: 8021 },
    } as Parameters<typeof summarizeStatus>[0]);
    expect(text).toContain('NOT connected to 127.0.0.1:8021: event socket reconnecting');
  });
});
