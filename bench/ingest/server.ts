// Child process: a loopback event-socket server that, once a client has authenticated and subscribed,
// streams the recorded events (stream.ts, built in memory beforehand) as fast as the client reads them.
// A client that drops and reconnects resumes where the stream was (what was in flight is lost, as with
// FreeSWITCH).
// argv: <targetBytes> <lanes>. IPC out: ready, done; IPC in: rewind (before each consumer).
import { createServer, type Socket } from 'node:net';
import { answerCommands } from './handshake.js';
import { EventStream, loadBaseFrames } from './stream.js';

export type ServerMessage =
  | { type: 'ready'; port: number; events: number; bytes: number; recordedFrames: number }
  | { type: 'done'; connections: number }
  | { type: 'rewound' };

const BATCH_BYTES = 256 * 1024;

const send = (message: ServerMessage) => process.send?.(message);

const frames = loadBaseFrames();
const stream = new EventStream(frames, Number(process.argv[3]), Number(process.argv[2]));
const batches = stream.batches(BATCH_BYTES);
/** Batches sent so far (a client that reconnects gets the rest). */
let sent = 0;
let streaming: Socket | undefined;
let connections = 0;

async function pump(socket: Socket): Promise<void> {
  streaming = socket;
  while (sent < batches.length && streaming === socket && !socket.destroyed) {
    const batch = batches[sent++] as Buffer;
    if (!socket.write(batch)) await drained(socket);
  }
  if (sent === batches.length && streaming === socket && !socket.destroyed) {
    socket.write('', () => send({ type: 'done', connections }));
  }
}

/** Resolves when the socket can take more, or is gone. */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

const server = createServer((socket) => {
  connections++;
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    if (streaming === socket) streaming = undefined;
  });
  answerCommands(socket, (text) => socket.write(text), {
    subscribed: () => {
      if (sent < batches.length) void pump(socket);
    },
  });
});

process.on('message', (message: { type: string }) => {
  if (message.type === 'rewind') {
    streaming?.destroy();
    streaming = undefined;
    sent = 0;
    connections = 0;
    send({ type: 'rewound' });
  } else if (message.type === 'exit') {
    server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  send({
    type: 'ready',
    port,
    events: stream.totalEvents,
    bytes: stream.totalBytes,
    recordedFrames: frames.length,
  });
});
