import pg from 'pg';
import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { idNumberCheckChar, KIOSK_LINK_NAMESPACE } from '@onedoor/protocol';
import { startBridge } from '../device-bridge/src/main.ts';
import { postgresBackend } from '../device-bridge/test/store/backends.ts';
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
const counts = new Map<string, number>();
let counting = false;
const orig = pg.Client.prototype.query;
(pg.Client.prototype as any).query = function (q: any, ...rest: any[]) {
  if (counting) { const t = (typeof q === 'string' ? q : q.text).replace(/\s+/g, ' ').slice(0, 90); counts.set(t, (counts.get(t) ?? 0) + 1); }
  return (orig as any).call(this, q, ...rest);
};
const C = Number(process.argv[2] ?? 64);
const target = await postgresBackend.create();
const tokens = Array.from({ length: C }, (_, i) => `bench-kiosk-token-${String(i).padStart(4, '0')}`);
const b = await startBridge({ http: { port: 0 }, dataDir: mkdtempSync(join(tmpdir(), 'odc-')), store: target.setting,
  kiosks: tokens.map((token, k) => ({ id: `kiosk-${k + 1}`, token })), kioskLink: { ticketsPerMinute: 10000, ticketBurst: 1000 }, options: { logLevel: 'silent' } } as any, { log: pino({ level: 'silent' }) });
await b.hall.store!.upsertQueueCategory({ letter: 'A', name: 'A', defaultServiceMinutes: 5 });
const links: Socket[] = await Promise.all(tokens.map(async (token) => { const s = connect(`${b.url}${KIOSK_LINK_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise((r) => s.once('connect', r)); await s.emitWithAck('kioskHello', { devices: [], startedAt: Date.now() }); return s; }));
let k = 0; const N = 600;
const take = async (s: Socket) => { const i = k++; const birth = new Date(Date.UTC(1980, 0, 1) + Math.floor(i / 900) * 86_400_000).toISOString().slice(0, 10); const body = `440106${birth.replaceAll('-', '')}${100 + (i % 900)}`; const number = body + idNumberCheckChar(body);
  const a: any = await s.emitWithAck('hallRequest', { requestId: `r${i}`, op: 'queue.take', citizen: { number, name: '测试', birthDate: birth, validUntil: '长期' }, args: ['A'] });
  if (!a.ok) throw new Error(JSON.stringify(a)); };
counting = true;
const t0 = performance.now();
await Promise.all(links.map(async (s) => { while (k < N) await take(s); }));
const ms = performance.now() - t0;
counting = false;
let total = 0;
for (const [t, n] of [...counts].sort((x, y) => y[1] - x[1])) { total += n; console.log((n / N).toFixed(2), t); }
console.log('statements per ticket', (total / N).toFixed(2), 'rate', (N / ms * 1000).toFixed(0));
for (const s of links) s.disconnect(); await b.close(); await target.destroy(); process.exit(0);
