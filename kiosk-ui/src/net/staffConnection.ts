/**
 * Connection state of a staff screen's socket (/hall, /tech): connected or not, and whether the bridge refused or
 * dropped it for want of a session (then the screen shows its login again instead of retrying for ever).
 */
import { signal, type Signal } from '@preact/signals';
import type { ConnectionState } from './connectionState.ts';

interface StaffSocketLike {
  on(event: 'connect', l: () => void): unknown;
  on(event: 'disconnect', l: (reason: string) => void): unknown;
  on(event: 'connect_error', l: (err: Error) => void): unknown;
  close(): unknown;
}

export function watchStaffConnection(socket: StaffSocketLike): { connection: Signal<ConnectionState>; authLost: Signal<boolean> } {
  const connection = signal<ConnectionState>('connecting');
  const authLost = signal(false);
  socket.on('connect', () => {
    connection.value = 'connected';
  });
  socket.on('disconnect', (reason) => {
    connection.value = 'disconnected';
    // The server dropped us on purpose: the session ended (logout elsewhere, expiry).
    if (reason === 'io server disconnect') authLost.value = true;
  });
  socket.on('connect_error', (err) => {
    connection.value = 'disconnected';
    // socket.ts refuses reserved namespaces with "log in first" / "bad or missing token".
    if (/log in|reserved|token/i.test(err.message)) {
      authLost.value = true;
      socket.close();
    }
  });
  return { connection, authLost };
}
