import pg from 'pg';
import { pino } from 'pino';
import { io as connect } from 'socket.io-client';
import { idNumberCheckChar, KIOSK_LINK_NAMESPACE } from '@onedoor/protocol';
import { startBridge } from '../device-bridge/src/main.ts';
import { postgresBackend } from '../device-bridge/test/store/backends.ts';
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
const counts = new Map<string, number>();
let counting = false;
const orig = pg.Client.prototype.query;
(pg.Client.prototype as any).query = function (q: any, ...rest: any[]) {
  if (counting) { const t = (typeof q === 'string' ? q : q.text).replace(/\s+/g, ' ').slice(0, 110); counts.set(t, (counts.get(t) ?? 0) + 1); }
  return (orig as any).call(this, q, ...rest);
};
const target = await postgresBackend.create();
const b = await startBridge({ http: { port: 0 }, dataDir: mkdtempSync(join(tmpdir(), 'odc-')), store: target.setting,
  kiosks: [{ id: 'kiosk-1', token: 'bench-kiosk-token-0000' }], kioskLink: { ticketsPerMinute: 10000, ticketBurst: 1000 }, options: { logLevel: 'silent' } } as any, { log: pino({ level: 'silent' }) });
await b.hall.store!.upsertQueueCategory({ letter: 'A', name: 'A', defaultServiceMinutes: 5 });
const s = connect(`${b.url}${KIOSK_LINK_NAMESPACE}`, { auth: { token: 'bench-kiosk-token-0000' }, transports: ['websocket'], reconnection: false });
await new Promise((r) => s.once('connect', r));
await s.emitWithAck('kioskHello', { devices: [], startedAt: Date.now() });
const N = 50;
for (let k = 0; k < N + 5; k++) {
  if (k === 5) counting = true;
  const body = `44010619800101${String(100 + k)}`; const number = body + idNumberCheckChar(body);
  const a: any = await s.emitWithAck('hallRequest', { requestId: `r${k}`, op: 'queue.take', citizen: { number, name: '测试', birthDate: '1980-01-01', validUntil: '长期' }, args: ['A'] });
  if (!a.ok) throw new Error(JSON.stringify(a));
}
counting = false;
let total = 0;
for (const [t, n] of [...counts].sort((x, y) => y[1] - x[1])) { total += n; console.log((n / N).toFixed(2), t); }
console.log('total per ticket', total / N);
s.disconnect(); await b.close(); await target.destroy(); process.exit(0);
