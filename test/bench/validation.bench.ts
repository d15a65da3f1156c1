/**
 * What the boundary costs per message (issue "Trust at every boundary": validation must add less than 0.2 ms per
 * message): the socket packet check `admitEvent` (roles table row, caller's roles incl. a staff session lookup,
 * payload shape walk, zod schema, parsed copy) for the messages clients really send, plus the device action check
 * and the REST route check. Each row runs for about half a second; the figure is the mean per message, shown
 * against the 0.2 ms goal. Benchmarks report, they do not fail.
 */
import { checkDeviceAction, checkRest, deviceActionKey } from '../../device-bridge/src/auth/accessTable.ts';
import { DEMO_USERS } from '../../device-bridge/src/auth/demoUsers.ts';
import { StaffAuth } from '../../device-bridge/src/auth/staffAuth.ts';
import { admitEvent } from '../../device-bridge/src/api/socketBoundary.ts';

const GOAL_MS = 0.2;
const ack = () => undefined;

function perMessageMs(run: () => void): { ms: number; n: number } {
  for (let i = 0; i < 2000; i++) run(); // warm up (JIT)
  let n = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < 500) {
    for (let i = 0; i < 500; i++) run();
    n += 500;
    elapsed = performance.now() - started;
  }
  return { ms: elapsed / n, n };
}

export default async function validationBench(): Promise<void> {
  const auth = new StaffAuth({ users: DEMO_USERS, sessionMaxAgeMs: 8 * 3600_000, sessionIdleMs: 1800_000, loginFailuresPerMinute: 5 });
  const { token, record } = auth.sessions.create('tech', 'technician');
  const staffSocket = { data: { staff: { user: record.user, role: 'technician', token, key: auth.sessions.keyOf(token) } } };
  const machineSocket = { data: { machine: 'techToken' } };
  const kioskSocket = { data: {} };
  const recipe = { ticket: { number: 'A042', category: '综合业务', waiting: 7, hall: '广东省政务服务中心' } };
  const deep = JSON.parse('{"a":'.repeat(40) + '{}' + '}'.repeat(40));

  const rows: Array<[string, () => void]> = [
    ['/tech getSnapshot (technician session)', () => {
      if (admitEvent('/tech', staffSocket, ['getSnapshot', { requestId: 'r-1' }, ack], auth)) throw new Error('refused');
    }],
    ['/tech deviceCommand (technician session)', () => {
      if (admitEvent('/tech', staffSocket, ['deviceCommand', { requestId: 'r-2', deviceId: 'printer', action: 'print', args: recipe, timeout: 5000 }, ack], auth)) throw new Error('refused');
    }],
    ['/tech deviceCommand (tech token)', () => {
      if (admitEvent('/tech', machineSocket, ['deviceCommand', { requestId: 'r-3', deviceId: 'reader', action: 'samStatus' }, ack], auth)) throw new Error('refused');
    }],
    ['/kiosk kioskCommand queue.take', () => {
      if (admitEvent('/kiosk', kioskSocket, ['kioskCommand', { requestId: 'r-4', token: 'a'.repeat(43), command: 'queue.take', args: { category: 'A' } }, ack], auth)) throw new Error('refused');
    }],
    ['/kiosk deviceCommand, 40 levels deep (refused)', () => {
      if (!admitEvent('/kiosk', kioskSocket, ['deviceCommand', { requestId: 'r-5', deviceId: 'printer', action: 'print', args: deep }, ack], auth)) throw new Error('admitted');
    }],
    ['/hall deviceCommand, bad types (refused)', () => {
      if (!admitEvent('/hall', machineSocket, ['deviceCommand', { requestId: 7, deviceId: null }, ack], auth)) throw new Error('admitted');
    }],
    ['device action check (/tech printer.print:ticket)', () => {
      if (!checkDeviceAction('/tech', deviceActionKey('printer', 'print', recipe), { roles: ['technician'] }).ok) throw new Error('refused');
    }],
    ['REST route check (POST /api/tech/devices/:id/actions/:name)', () => {
      if (!checkRest('POST', '/api/tech/devices/printer/actions/printTestPage', { roles: ['technician'] })?.ok) throw new Error('refused');
    }],
  ];

  const table = rows.map(([name, run]) => {
    const m = perMessageMs(run);
    return {
      message: name,
      'µs / message': Number((m.ms * 1000).toFixed(2)),
      'share of 0.2 ms goal': `${((m.ms / GOAL_MS) * 100).toFixed(1)}%`,
      'messages measured': m.n,
    };
  });
  console.table(table);
}
