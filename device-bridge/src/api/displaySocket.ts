/**
 * The hall display's namespace `/display` (README "For the hall: counter terminals and the hall
 * display"): read-only and without a token, by decision. It carries only what the hall's big screen
 * shows to everyone (window numbers, ticket numbers, call texts; never a holder's number or name),
 * the bridge listens to no client event on it, and a screen elsewhere on the hall LAN (another
 * origin than the bridge's loopback defaults) must be able to open it, so neither token nor origin
 * check applies. See protocol/src/contract/hallDisplay.ts.
 *
 * On every (re)connect the client gets the whole `board` (windows + today's latest calls), so a reload or a
 * reconnect never depends on replaying missed events; then `call` for each new call and a fresh `board` after
 * each change.
 */
import {
  DISPLAY_NAMESPACE, type DisplayBoard, type DisplayClientToServerEvents, type DisplayServerToClientEvents,
} from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { Namespace, Server } from 'socket.io';
import type { CounterWorkflow } from '../hall/counterWorkflow.ts';

export interface DisplaySocket {
  namespace: Namespace<DisplayClientToServerEvents, DisplayServerToClientEvents>;
  detach(): void;
}

export function attachDisplaySocket(io: Server, workflow: CounterWorkflow, log: Logger): DisplaySocket {
  const nsp = io.of(DISPLAY_NAMESPACE) as unknown as Namespace<DisplayClientToServerEvents, DisplayServerToClientEvents>;
  const dlog = log.child({ nsp: 'display' });
  const board = async (): Promise<DisplayBoard | null> => {
    try {
      return await workflow.board();
    } catch (err) {
      // Database down: the screen keeps what it shows; the next change or reconnect sends the board again.
      dlog.warn({ err: (err as Error).message }, 'hall display board unavailable');
      return null;
    }
  };
  const onConnection = (socket: { emit: (e: 'board', b: DisplayBoard) => boolean }) => {
    void board().then((b) => b && socket.emit('board', b));
  };
  nsp.on('connection', onConnection);
  // Sequenced so boards leave in the order of the changes that caused them.
  let chain: Promise<unknown> = Promise.resolve();
  const pushBoard = () => {
    chain = chain.then(async () => {
      const b = await board();
      if (b) nsp.emit('board', b);
    });
  };
  const onCall = (c: Parameters<DisplayServerToClientEvents['call']>[0]) => {
    nsp.emit('call', c);
  };
  workflow.events.on('call', onCall);
  workflow.events.on('window', pushBoard);
  return {
    namespace: nsp,
    detach: () => {
      workflow.events.off('call', onCall);
      workflow.events.off('window', pushBoard);
      nsp.off('connection', onConnection);
      nsp.disconnectSockets(true);
    },
  };
}
