/**
 * The phone page's routes (README "The phone channel"; the roles table: `anyone` at the door, then the capability):
 *
 *   GET /api/m/ticket?c=<capability>          the ticket's `PhoneTicketView`
 *   GET /api/m/ticket/events?c=<capability>   server-sent events: `event: ticket` with the view on connect and
 *                                             whenever it changed (a call, a window change, or the 15 s refresh)
 *
 * Server-sent events rather than socket.io: the page needs no client library (the 30 KB budget), EventSource
 * reconnects by itself after the phone sleeps, and it passes proxies as a plain GET.
 * The query is validated with zod; a refused capability answers 404 with the reason in words, counted and logged
 * with the tag and ticket part only (the MAC never reaches a log); too many requests or refusals answer 429.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { PHONE_REFUSAL_CODES, type PhoneRefusal, type PhoneRefusalCode, type PhoneTicketView } from '@onedoor/protocol';
import { TICKET_CAPABILITY_PATTERN, type TicketCapabilities } from '../hall/ticketCapability.ts';
import type { PhoneTicketReader } from '../hall/phoneTicket.ts';
import type { HallDay } from '../store/hallStore.ts';
import { PhoneRateLimiter } from './phoneLimits.ts';

export const PHONE_REFUSALS: Record<PhoneRefusalCode, PhoneRefusal> = {
  malformed: { code: 'malformed', zh: '二维码不完整，请重新扫描小票上的二维码', en: 'The code is incomplete; please scan the QR code on the ticket again' },
  unknown: { code: 'unknown', zh: '找不到这张号票，请扫描本大厅打印的小票上的二维码', en: 'No such ticket; please scan the QR code on a ticket printed in this hall' },
  otherDay: { code: 'otherDay', zh: '这张号票不是今天的，已经失效', en: 'This ticket is not from today and is no longer valid' },
  rateLimited: { code: 'rateLimited', zh: '请求过于频繁，请稍后再试', en: 'Too many requests; please try again in a minute' },
  servicePaused: { code: 'servicePaused', zh: '暂停服务：请稍后再试或联系工作人员', en: 'Service paused; please try again later or ask a staff member' },
  handoffUnknown: { code: 'handoffUnknown', zh: '二维码无效，请在自助终端上重新点“在手机上继续”', en: 'This code is not valid; tap "Continue on my phone" on the kiosk again' },
  handoffUsed: { code: 'handoffUsed', zh: '此二维码已使用过，每个二维码只能用一次。请在自助终端上重新生成', en: 'This code was used already; each code works once. Make a new one on the kiosk' },
  handoffExpired: { code: 'handoffExpired', zh: '二维码已过期（2分钟内有效），请在自助终端上重新生成', en: 'This code has expired (valid for 2 minutes); make a new one on the kiosk' },
  sessionEnded: { code: 'sessionEnded', zh: '您已退出或长时间未操作，请在自助终端上重新扫码登录', en: 'You are signed out (logged out or idle too long); scan the code on a kiosk again' },
  invalid: { code: 'invalid', zh: '请求内容有误，请重试', en: 'The request is not valid; please try again' },
  notHere: { code: 'notHere', zh: '未找到该项，请刷新后重试', en: 'Not found; please refresh and try again' },
};

/** Refusals per reason since start, all at 0. */
export function newPhoneRefusalCounts(): PhoneRefusalCounts {
  return Object.fromEntries(PHONE_REFUSAL_CODES.map((c) => [c, 0])) as PhoneRefusalCounts;
}

/** The client's address as express sees it: behind a trusted proxy (config `site.trustProxy`) the forwarded one. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

const querySchema = z.object({ c: z.string().regex(TICKET_CAPABILITY_PATTERN) }).strict();

/** How often an open stream re-reads its ticket besides the call events (tickets inserted ahead, estimates). */
export const PHONE_REFRESH_MS = 15_000;
const KEEPALIVE_MS = 25_000;

export interface PhoneRouteDeps {
  /** null where this bridge holds no hall database (a linked kiosk, or the database down). */
  reader: () => PhoneTicketReader | null;
  capabilities: TicketCapabilities;
  today: () => HallDay;
  /** Subscribes to queue changes (calls, window states); returns unsubscribe. */
  onQueueChange: (listener: () => void) => () => void;
  limits?: PhoneRateLimiter;
  log: Logger;
}

/** Refusals per reason since start (the log carries each one). */
export type PhoneRefusalCounts = Record<PhoneRefusalCode, number>;

export function phoneRouter(deps: PhoneRouteDeps): { router: Router; refusals: PhoneRefusalCounts } {
  const router = express.Router();
  const limits = deps.limits ?? new PhoneRateLimiter();
  const refusals = newPhoneRefusalCounts();
  const log = deps.log.child({ component: 'phone' });

  const refuse = (res: Response, status: number, code: PhoneRefusalCode, address: string, capability: unknown) => {
    refusals[code]++;
    // The tag and ticket part only: the MAC is the secret (hall/ticketCapability.ts).
    const shown = typeof capability === 'string' ? capability.split('.').slice(0, 2).join('.').slice(0, 12) : typeof capability;
    log.info({ code, address, capability: shown }, 'phone request refused');
    res.status(status).set('cache-control', 'no-store').json({ error: code, ...PHONE_REFUSALS[code] });
  };

  /** The ticket a request may read, or null after answering the refusal. */
  const open = (req: Request, res: Response): { ticketId: number; reader: PhoneTicketReader } | null => {
    const address = clientAddress(req);
    if (!limits.admit(address)) {
      refuse(res, 429, 'rateLimited', address, req.query.c);
      return null;
    }
    const q = querySchema.safeParse(req.query);
    if (!q.success) {
      limits.failed(address);
      refuse(res, 404, 'malformed', address, req.query.c);
      return null;
    }
    const check = deps.capabilities.check(q.data.c, deps.today());
    if (!check.ok) {
      limits.failed(address);
      refuse(res, 404, check.reason, address, q.data.c);
      return null;
    }
    const reader = deps.reader();
    if (!reader) {
      refuse(res, 503, 'servicePaused', address, q.data.c);
      return null;
    }
    return { ticketId: check.ticketId, reader };
  };

  router.get('/api/m/ticket', async (req, res) => {
    const t = open(req, res);
    if (!t) return;
    const view = await t.reader.view(t.ticketId);
    if (!view) return refuse(res, 404, 'unknown', clientAddress(req), req.query.c);
    res.set('cache-control', 'no-store').json(view);
  });

  router.get('/api/m/ticket/events', async (req, res) => {
    const t = open(req, res);
    if (!t) return;
    const first = await t.reader.view(t.ticketId);
    if (!first) return refuse(res, 404, 'unknown', clientAddress(req), req.query.c);
    const slot = limits.openStream(clientAddress(req));
    if (!slot) return refuse(res, 429, 'rateLimited', clientAddress(req), req.query.c);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    // EventSource waits 3 s before reconnecting after the bridge or a proxy drops it.
    res.write('retry: 3000\n\n');
    let last = '';
    const send = (view: PhoneTicketView) => {
      const { at: _at, ...same } = view;
      const key = JSON.stringify(same);
      if (key === last) return;
      last = key;
      res.write(`event: ticket\ndata: ${JSON.stringify(view)}\n\n`);
    };
    send(first);
    // One re-read at a time; a change during a read asks for one more after it.
    let reading = false;
    let again = false;
    let closed = false;
    const refresh = () => {
      if (closed) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      const reader = deps.reader();
      void (reader ? reader.view(t.ticketId) : Promise.resolve(null))
        .then((v) => {
          if (v && !closed) send(v);
        }, (err: unknown) => log.warn({ err }, 'phone ticket refresh failed'))
        .finally(() => {
          reading = false;
          if (again) {
            again = false;
            refresh();
          }
        });
    };
    const off = deps.onQueueChange(refresh);
    const timer = setInterval(refresh, PHONE_REFRESH_MS);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    // The response's close: the phone went away (or the bridge closed its connections).
    res.on('close', () => {
      closed = true;
      off();
      clearInterval(timer);
      clearInterval(keepalive);
      slot.close();
    });
  });

  return { router, refusals };
}
