// The few replies an inbound event-socket client needs before events flow, as FreeSWITCH 1.10.12 sends
// them (trace 13): auth/request on connect, `+OK accepted` to auth, `+OK event listener enabled json`
// to each `event json …`, `+OK bye` and the disconnect notice to `exit`, `+OK` to anything else.
import type { Socket } from 'node:net';

const AUTH_REQUEST = 'Content-Type: auth/request\n\n';
const reply = (text: string) => `Content-Type: command/reply\nReply-Text: ${text}\n\n`;
const GOODBYE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
const DISCONNECT = `Content-Type: text/disconnect-notice\nContent-Length: ${Buffer.byteLength(GOODBYE)}\n\n${GOODBYE}`;

export interface HandshakeHooks {
  /** A client subscribed (its first `event …` command was answered). */
  subscribed(): void;
}

/**
 * Answers the client's commands on `socket`. Replies are handed to `send` so a caller that streams
 * events can put them between whole frames.
 */
export function answerCommands(socket: Socket, send: (text: string) => void, hooks: HandshakeHooks): void {
  let pending = '';
  let subscribed = false;
  send(AUTH_REQUEST);
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
      const command = pending.slice(0, end);
      pending = pending.slice(end + 2);
      const verb = command.split(/[ \n]/, 1)[0] ?? '';
      if (verb === 'auth') send(reply('+OK accepted'));
      else if (verb === 'event') {
        send(reply('+OK event listener enabled json'));
        if (!subscribed) {
          subscribed = true;
          hooks.subscribed();
        }
      } else if (verb === 'exit') {
        send(reply('+OK bye') + DISCONNECT);
        socket.end();
      } else send(reply('+OK'));
    }
  });
}
