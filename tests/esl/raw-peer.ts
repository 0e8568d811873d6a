// A bare TCP server on the loopback for transport tests: it writes `bytes` (if any) to each client as it
// connects, and nothing else, whatever it is sent.
import { createServer, type Socket } from 'node:net';

export interface RawPeer {
  readonly port: number;
  /** The clients' sockets, in the order they connected. */
  readonly sockets: readonly Socket[];
  /** Ends every socket and the server. */
  close(): Promise<void>;
}

export async function rawPeer(bytes?: string): Promise<RawPeer> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    if (bytes !== undefined) socket.write(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
