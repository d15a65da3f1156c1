/**
 * The hall display's live link: socket.io namespace `/display` on the bridge's origin, read-only and without a token
 * (protocol/src/contract/hallDisplay.ts). The bridge sends the whole board on every (re)connect and after every
 * change, and each new call as `call`; the page never has to replay missed events.
 */
import { io, type Socket } from 'socket.io-client';
import { signal, type ReadonlySignal } from '@preact/signals';
import {
  DISPLAY_NAMESPACE, DISPLAY_RECENT_CALLS, type DisplayBoard, type DisplayClientToServerEvents, type DisplayServerToClientEvents, type HallCallEvent,
} from '@onedoor/protocol';
import type { ConnectionState } from '../net/connectionState.ts';

/** Wait before reconnecting after the server closed the socket. */
const SERVER_CLOSE_RETRY_MS = 2_000;

export interface DisplayConnection {
  connection: ReadonlySignal<ConnectionState>;
  board: ReadonlySignal<DisplayBoard | null>;
  close(): void;
}

export interface DisplayHandlers {
  /** A board arrived (on connect and after changes). */
  onBoard(board: DisplayBoard): void;
  /** A new call. */
  onCall(call: HallCallEvent): void;
}

/** Newest first, by call id, at most `keep`. */
export function mergeCalls(known: readonly HallCallEvent[], incoming: readonly HallCallEvent[], keep: number): HallCallEvent[] {
  const byId = new Map<string, HallCallEvent>();
  for (const c of [...known, ...incoming]) byId.set(c.callId, c);
  return [...byId.values()].sort((a, b) => b.at - a.at).slice(0, keep);
}

export function connectDisplay(handlers: DisplayHandlers): DisplayConnection {
  const socket: Socket<DisplayServerToClientEvents, DisplayClientToServerEvents> = io(DISPLAY_NAMESPACE, {
    transports: ['websocket', 'polling'],
    reconnectionDelayMax: 5_000,
  });
  const connection = signal<ConnectionState>('connecting');
  const board = signal<DisplayBoard | null>(null);
  socket.on('connect', () => (connection.value = 'connected'));
  socket.on('disconnect', (reason) => {
    connection.value = 'disconnected';
    // socket.io does not retry by itself after the server closed the socket (e.g. the bridge shedding clients while
    // it stops); a hall screen must come back on its own whenever the bridge is there again.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), SERVER_CLOSE_RETRY_MS);
  });
  socket.on('connect_error', () => (connection.value = board.value ? 'disconnected' : 'connecting'));
  socket.on('board', (b) => {
    // A call may have arrived as `call` before this board was read: keep it.
    const calls = mergeCalls(board.value?.calls ?? [], b.calls, DISPLAY_RECENT_CALLS);
    board.value = { ...b, calls };
    handlers.onBoard(b);
  });
  socket.on('call', (c) => {
    if (board.value) board.value = { ...board.value, calls: mergeCalls(board.value.calls, [c], DISPLAY_RECENT_CALLS) };
    handlers.onCall(c);
  });
  return {
    connection,
    board,
    close: () => {
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
