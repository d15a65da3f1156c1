/**
 * The kiosks of the `hall-links` bench, in a process of their own (forked by hall-links.bench.ts), as kiosks are
 * machines of their own: the instances' event loops, which the bench measures, do not also run 10,000 socket.io
 * clients, and the kiosks' own loop is measured apart (`stall`). Each link says hello on every
 * connect and beats its heartbeat as a kiosk bridge does (hallLink/hallLinkClient.ts). Orders over IPC:
 * - `{ cmd: 'open', urls, tokens }`: opens one link per token, spread over the instances' urls (answers `{ opened: n }`);
 * - `{ cmd: 'storm', delayMs, jitter }`: drops every link's connection at once from the kiosks' side (a network blip:
 *   the hall sees the connections close); every kiosk reconnects after `delayMs` ± `jitter` (answers `{ dropped: n }`);
 * - `{ cmd: 'stall' }`: this process's longest event-loop stall since the last storm, ms (answers `{ maxMs }`);
 * - `{ cmd: 'close' }`: closes every link and exits.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import { KIOSK_LINK_NAMESPACE } from '@onedoor/protocol';
import { LOOP_RESOLUTION_MS } from './instanceProcess.ts';

const HEARTBEAT_MS = 5000;
const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loop.enable();

type Order = { cmd: 'open'; urls: string[]; tokens: string[] } | { cmd: 'storm'; delayMs: number; jitter: number } | { cmd: 'stall' }
  | { cmd: 'close' };

process.on('message', (m: Order) => {
  if (m.cmd === 'open') {
    for (const [i, token] of m.tokens.entries()) {
      const s = connect(`${m.urls[i % m.urls.length]}${KIOSK_LINK_NAMESPACE}`, {
        auth: { token }, transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 500, randomizationFactor: 0,
      });
      s.on('connect', () => s.emit('kioskHello', { devices: [], startedAt: Date.now() }, () => undefined));
      // A link the hall closed is reopened by the kiosk itself (socket.io does not retry a server-side disconnect).
      s.on('disconnect', (reason) => reason === 'io server disconnect' && s.connect());
      // Refused by the hall (its previous link not seen closed yet): socket.io does not retry a refusal; a kiosk
      // bridge does (hallLinkClient.ts, after 5 s; here after 200 ms so the bench measures the hall, not the wait).
      s.on('connect_error', () => !s.active && setTimeout(() => s.connect(), 200));
      timers.push(setInterval(() => s.connected && s.emit('kioskHeartbeat', { at: Date.now() }), HEARTBEAT_MS));
      sockets.push(s);
    }
    process.send!({ opened: sockets.length });
  } else if (m.cmd === 'storm') {
    loop.reset();
    // The transport closed under each link: socket.io-client reconnects on its own ("transport close").
    for (const s of sockets) {
      s.io.reconnectionDelay(m.delayMs);
      s.io.randomizationFactor(m.jitter);
      s.io.engine.close();
    }
    process.send!({ dropped: sockets.length });
  } else if (m.cmd === 'stall') {
    // The histogram records each timer interval whole: the stall is what exceeds the timer's own interval.
    process.send!({ maxMs: Math.max(0, loop.max / 1e6 - LOOP_RESOLUTION_MS) });
  } else {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.disconnect();
    process.exit(0);
  }
});
