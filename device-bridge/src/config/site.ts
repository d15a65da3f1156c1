/**
 * The site section of the config: which hall this is, what it prints, where its printed QR codes lead and which
 * clock it keeps (README "Installing", site config). Tickets, certificate copies and slips carry QR codes that a
 * citizen's phone opens, so their base URL must be an address phones reach: the hall's LAN name or IP, or its
 * public name, never the loopback or wildcard address the bridge may listen on.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_HALL_ID, HALL_ID_PATTERN } from '../store/hallScope.ts';

/** Printed at the top of tickets and slips unless configured (escpos.md example ticket). */
export const DEFAULT_HALL_NAME = '广东省政务服务中心';
/** Guangdong's halls keep China Standard Time. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
/** One line of the 80 mm ticket in double-width characters (escpos.md: 48 columns). */
export const HALL_NAME_MAX = 24;

const LOOPBACK_HOSTS = new Set(['localhost', '0.0.0.0', '::', '::1', '[::]', '[::1]']);

/** true for an address no phone can open: loopback (127/8, ::1, localhost) or the wildcard (0.0.0.0, ::). */
export function isUnreachableHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (LOOPBACK_HOSTS.has(h) || h.endsWith('.localhost')) return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export const publicUrlSchema = z
  .string()
  .regex(/^https?:\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\/[A-Za-z0-9._~\/-]*)?$/, {
    message: 'must be an http(s) URL like http://10.0.0.5:8080 or https://hall.example.gov.cn (no query, no spaces)',
  })
  .refine((u) => !isUnreachableHost(new URL(u).hostname), {
    message: 'must be an address a citizen\'s phone can open (the hall server\'s LAN IP or name), not loopback or 0.0.0.0',
  })
  .transform((u) => u.replace(/\/+$/, ''));

/** The zone's UTC offset at an instant, in minutes (`GMT+08:00` -> 480). */
function offsetAt(timeZone: string, at: Date): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(part);
  if (!m || !m[1]) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * The fixed UTC offset of an IANA zone, or a reason it cannot be used. The hall clock (hall/clock.ts) keeps a fixed
 * offset (China has no daylight saving), so a zone whose offset changes over the year is refused.
 */
export function fixedOffsetOf(timeZone: string): { minutes: number } | { problem: string } {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return { problem: `"${timeZone}" is no IANA time zone (e.g. Asia/Shanghai)` };
  }
  const jan = offsetAt(timeZone, new Date(Date.UTC(2026, 0, 15)));
  const jul = offsetAt(timeZone, new Date(Date.UTC(2026, 6, 15)));
  if (jan !== jul) return { problem: `"${timeZone}" has daylight saving; the hall clock needs a zone with one fixed offset (e.g. Asia/Shanghai)` };
  return { minutes: jan };
}

/** One proxy address or network, `10.0.0.5` or `10.0.0.0/8` (IPv4 or IPv6), as express's 'trust proxy' takes it. */
const proxyNetworkSchema = z.string().max(64).refine((v) => {
  const [ip, bits, extra] = v.split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}, { message: 'must be an IP address or a network in CIDR form, e.g. 10.0.0.0/8' });

/**
 * Express 'trust proxy' (README "The phone channel", rate limits behind a proxy): off by default, so a client cannot
 * pick its own address with X-Forwarded-For; a hop count or the proxies' addresses make the forwarded address count.
 */
export const trustProxySchema = z
  .union([z.literal(false), z.number().int().min(1).max(10), z.array(proxyNetworkSchema).min(1).max(32)])
  .default(false)
  .meta({ description: 'Reverse proxies in front of the bridge whose X-Forwarded-For is believed (express \'trust proxy\'): false (default: the TCP peer is the client), a hop count (1: the nearest proxy), or the proxies\' addresses/CIDR networks (["10.0.0.5", "10.1.0.0/16"]). The phone page\'s rate limits key on the client address this gives; set it only when every request passes the proxy, or clients can choose their address.' });

export const timeZoneSchema = z.string().superRefine((tz, ctx) => {
  const r = fixedOffsetOf(tz);
  if ('problem' in r) ctx.addIssue({ code: 'custom', message: r.problem });
});

export const siteConfigSchema = z
  .object({
    hallId: z
      .string()
      .regex(HALL_ID_PATTERN, { message: 'must be 1-64 letters, digits, _ . - (starting with a letter or digit)' })
      .default(DEFAULT_HALL_ID)
      .meta({ description: 'The hall\'s code, e.g. GZ-TH-01: in the start log line and GET /api/site, and checked against a catalogue file\'s hallId by the catalogue loader (`--config`). Same on the hall server and its kiosks. It is also the key of the hall\'s rows in the hall database: several halls may share one PostgreSQL database, each seeing only its own rows (README "Running a district"); never change it on a running hall.' }),
    hallName: z
      .string()
      .trim()
      .min(1, { message: 'must not be empty' })
      .max(HALL_NAME_MAX, { message: `must be at most ${HALL_NAME_MAX} characters (one line of the ticket)` })
      .default(DEFAULT_HALL_NAME)
      .meta({ description: 'The hall\'s name: printed at the top of every ticket, certificate copy and slip; GET /api/site gives it to the screens.' }),
    publicUrl: publicUrlSchema
      .optional()
      .meta({
        description: 'Base URL of the hall server as citizens\' phones reach it (LAN IP or name): every printed or shown QR code opens a page under it (ticket -> /display, certificate copy -> /verify). On a kiosk PC: the hall server\'s URL. Required when a printer is configured; loopback and 0.0.0.0 are refused.',
      }),
    trustProxy: trustProxySchema,
    timeZone: timeZoneSchema
      .default(DEFAULT_TIME_ZONE)
      .meta({ description: 'IANA time zone of the hall: when a day starts (ticket numbers restart), slot times, printed times. Zones with daylight saving are refused.' }),
  })
  .strict()
  .prefault({})
  .meta({ description: 'Which hall this is: its code and name, the URL in printed QR codes, its time zone.' });

export type SiteConfig = z.output<typeof siteConfigSchema>;

/** The hall clock's offset for the site's zone (validated by the schema, so a fixed offset). */
export function siteUtcOffsetMinutes(site: Pick<SiteConfig, 'timeZone'>): number {
  const r = fixedOffsetOf(site.timeZone);
  if ('problem' in r) throw new Error(`site.timeZone: ${r.problem}`);
  return r.minutes;
}

/** The example configs' placeholder secrets (config/examples): a site must not run with them. */
export const EXAMPLE_SECRET_MARK = 'REPLACE-with';
/** The example configs' password hash (of the published password `change-this-password`). */
export const EXAMPLE_PASSWORD_HASH = 'scrypt$16384$8$1$LM8vIQ9MkgFGaLus9Bzmgg$NJkcVU6HAHrT0MNdfH1qIuuCBhkaTxCmJSkuxAhHaWA';

interface SiteFileView {
  site: SiteConfig;
  devices: ReadonlyArray<{ id: string; kind: string; enabled: boolean }>;
  tokens: { hall?: string; tech?: string; metrics?: string };
  kioskScreen: { secret?: string };
  hall?: { kioskToken: string };
  kiosks: ReadonlyArray<{ token: string }>;
  users: ReadonlyArray<{ passwordHash: string }>;
}

/**
 * Problems of a site config FILE beyond its schema (the CLI exits 2 naming each field):
 * - a bridge with a printer prints QR codes (tickets, certificate copies), so it needs `site.publicUrl`; library
 *   callers (tests, the demo) may instead run with the start option `publicUrl` or with QR prints refused;
 * - a secret or password hash still the published example's (config/examples) would let anyone in.
 */
export function siteFileProblems(c: SiteFileView): string[] {
  const out: string[] = [];
  const printer = c.devices.find((d) => d.kind === 'printer' && d.enabled);
  if (printer && !c.site.publicUrl) {
    out.push(`site.publicUrl: required: this bridge prints QR codes (printer "${printer.id}"); set the hall server's URL as citizens' phones reach it, e.g. http://192.168.1.10:8080`);
  }
  const placeholder = (field: string, v: string | undefined) => {
    if (v?.includes(EXAMPLE_SECRET_MARK)) out.push(`${field}: still the example's placeholder; make a secret with: openssl rand -hex 24`);
  };
  placeholder('tokens.hall', c.tokens.hall);
  placeholder('tokens.tech', c.tokens.tech);
  placeholder('tokens.metrics', c.tokens.metrics);
  placeholder('kioskScreen.secret', c.kioskScreen.secret);
  placeholder('hall.kioskToken', c.hall?.kioskToken);
  c.kiosks.forEach((k, i) => placeholder(`kiosks[${i}].token`, k.token));
  c.users.forEach((u, i) => {
    if (u.passwordHash === EXAMPLE_PASSWORD_HASH) out.push(`users[${i}].passwordHash: the example's hash of a published password; make one with: npx tsx device-bridge/src/auth/hash-password.ts`);
  });
  return out;
}
