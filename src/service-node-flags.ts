// The Node.js flags the controller is started with: by `npm start`, the image's entry point and the systemd
// unit (tests/cli/launcher.test.ts checks each of them), and by the bench for the controllers it measures.
//
// --single-threaded-gc: V8's garbage collector otherwise wakes helper threads (concurrent marking and
// sweeping, parallel scavenges) which, on a machine with few CPUs shared with FreeSWITCH, take the CPU from
// the event loop in the middle of a reaction. Measured on 2 CPUs (`npm run bench -- --only latency`): 11 and
// 13 of 800 reactions over 0.8 ms (1 to 4 ms) without the flag, 3 and 4 with it. Done on the event loop's own
// thread, a collection of this small heap is a scavenge under 1 ms. The load bench's targets (reaction p99
// at 1,000 sessions, none lost at 5,000, heap per session) hold with it.
export const SERVICE_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];
