// An instance killed (SIGKILL, its own process) in the middle of a burst of ticket requests from a kiosk (README
// "Many instances"): the kiosk re-sends every request that got no answer to the other instance under the same
// requestId; every request ends with a ticket, none is issued twice, every number is unique, and every answer is its
// request's record in the database.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { idNumberCheckChar, KIOSK_LINK_NAMESPACE, type KioskLinkAnswer, type KioskLinkRequest } from '@onedoor/protocol';
import { KIOSK_TOKEN, rigPerTest } from './instanceRig.ts';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BURST = 120;

/** A valid resident number per index (Guangzhou, born 1990-03-07): distinct people, so every request is a new ticket. */
function citizen(i: number): KioskLinkRequest['citizen'] {
  const body = `44010619900307${String(100 + i).padStart(3, '0')}`;
  return { number: body + idNumberCheckChar(body), name: `测${[...String(i)].map((d) => '零一二三四五六七八九'[Number(d)]).join('')}`, birthDate: '1990-03-07', validUntil: '长期' };
}

async function link(url: string): Promise<Socket> {
  const s = connect(`${url}${KIOSK_LINK_NAMESPACE}`, { auth: { token: KIOSK_TOKEN }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  });
  await s.emitWithAck('kioskHello', { devices: [], startedAt: Date.now() });
  return s;
}

async function linkWhenFree(url: string): Promise<Socket> {
  for (let i = 0; ; i++) {
    try {
      return await link(url);
    } catch (err) {
      if (i > 200 || !/already linked/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Sends; resolves with the answer, or null when the link dies first. */
function send(s: Socket, req: KioskLinkRequest): Promise<KioskLinkAnswer | null> {
  return new Promise((resolve) => {
    const lost = () => resolve(null);
    s.once('disconnect', lost);
    s.emit('hallRequest', req, (a: KioskLinkAnswer) => {
      s.off('disconnect', lost);
      resolve(a);
    });
  });
}

describe('an instance killed mid-burst', () => {
  const { open, sockets } = rigPerTest();

  it('loses no ticket: unanswered requests re-sent to the other instance are answered once, numbers unique, each answer recorded', async () => {
    const rig = await open();
    const survivor = await rig.start();
    const dir = rig.tempDir();
    const configFile = join(dir, 'bridge.json');
    writeFileSync(configFile, JSON.stringify({ ...rig.config(join(dir, 'data')), options: { logLevel: 'warn' } }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'device-bridge/src/main.ts', '--config', configFile],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const t = setInterval(() => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearInterval(t);
            resolve(m[1]);
          }
        }, 50);
        child.once('exit', (code) => reject(new Error(`instance exited (${code}): ${out}`)));
      });
      const doomed = await link(url);
      sockets.push(doomed);
      const requests = Array.from({ length: BURST }, (_, i): KioskLinkRequest => ({ requestId: `burst-${i}`, op: 'queue.take', citizen: citizen(i), args: ['A'] }));
      let answered = 0;
      const first = requests.map((r) => send(doomed, r).then((a) => {
        if (a) answered++;
        // Killed at the first answer: the rest is in flight or not yet applied. (Not later: answers already on their
        // way when the kill lands still arrive, and the store answers calls in batches (hallPostgresBatches.ts), so
        // many can be under way at once.)
        if (answered === 1) child.kill('SIGKILL');
        return a;
      }));
      const answers = await Promise.all(first);
      await exited;
      const lost = requests.filter((_, i) => answers[i] === null);
      expect(lost.length).toBeGreaterThan(0);

      // One link per kiosk in the cluster: the killed instance's claim is free once its alive key lapses (3 s at most);
      // until then the survivor refuses, and the kiosk tries again as its link client does.
      const other = await linkWhenFree(survivor.url);
      sockets.push(other);
      const resent = await Promise.all(lost.map((r) => send(other, r)));
      lost.forEach((r, j) => (answers[requests.indexOf(r)] = resent[j]));

      expect(answers.filter((a) => !a?.ok)).toEqual([]);
      const numbers = answers.map((a) => (a as { result: { number: string } }).result.number);
      expect(new Set(numbers).size).toBe(BURST);
      const tickets = await survivor.hall.store!.listTickets(survivor.hall.clock.today());
      expect(tickets).toHaveLength(BURST);
      expect(new Set(tickets.map((t) => t.number))).toEqual(new Set(numbers));
      // Each answer is its request's record, written with its ticket whichever instance applied it: a resend anywhere
      // is answered from it (a resend answered from a record carries `replayed`, the record itself not).
      for (const [i, r] of requests.entries()) {
        const record = await survivor.hall.store!.getKioskRequest('kiosk-1', r.requestId);
        const { replayed: _, ...answer } = answers[i]!;
        expect(record && JSON.parse(record.answer), r.requestId).toEqual(answer);
      }
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  }, 120_000);
});
