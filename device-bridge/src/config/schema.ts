/**
 * The bridge's one configuration file (JSON), as a zod schema (issue 4, "Configuration and start"). Every field
 * with a default may be left out; unknown fields are errors (a misspelt key silently ignored is a wasted hour on
 * site).
 *
 * ```json
 * {
 *   "http": { "host": "127.0.0.1", "port": 8080 },
 *   "dataDir": ".data",
 *   "allowedOrigins": ["http://localhost:*"],
 *   "devices": [
 *     { "id": "reader", "kind": "idreader", "path": "/dev/serial/by-id/usb-...", "baud": 115200 },
 *     { "id": "printer", "kind": "printer", "path": "tcp://192.168.1.50:4001" },
 *     { "id": "counters", "kind": "counterbus", "path": "/dev/ttyUSB1", "baud": 9600, "options": { "units": [1, 2] } },
 *     { "id": "scanner", "kind": "qrscanner", "path": "/dev/ttyUSB2", "options": { "suffix": "cr" } }
 *   ]
 * }
 * ```
 */
import { COMMAND_LIMITS, DEVICE_KINDS, STAFF_ROLES, type DeviceKind } from '@onedoor/protocol';
import { isIP } from 'node:net';
import { z } from 'zod';
import { isPasswordHash } from '../auth/password.ts';
import { parseCounterBusOptions } from '../devices/counterBus/options.ts';
import { qrScannerOptionProblems } from '../devices/qrScanner/options.ts';
import { docPrinterOptionProblems } from '../devices/ippPrinter/options.ts';
import { counterWindowProblems, counterWorkflowConfigSchema } from '../hall/counterConfig.ts';
import { retentionConfigSchema } from '../hall/retentionPolicy.ts';
import { parseHallStoreSetting } from '../store/hallStoreSetting.ts';

/** Default line speed per kind, from the specs (id-reader-sam.md, escpos.md: 115200; counter-bus.md, qr-scanner.md: 9600). */
export const DEFAULT_BAUD: Record<DeviceKind, number> = { idreader: 115200, printer: 115200, counterbus: 9600, qrscanner: 9600,
  // The document printer speaks IPP over the network; the field is unused but every kind has one.
  docprinter: 9600 };

const STANDARD_BAUDS = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400];

const devicePath = z
  .string()
  .min(1, 'must not be empty')
  .refine((p) => /^ipps?:\/\/[^\s/]+(\/\S*)?$/.test(p) || (p.startsWith('tcp://') ? /^tcp:\/\/(\[[^\]]+\]|[^:/\s]+):\d{1,5}\/?$/.test(p) : p.startsWith('/') || /^COM\d+$/i.test(p)), {
    message: 'must be a device path (/dev/ttyUSB0, /dev/serial/by-id/..., a PTY path), tcp://host:port or (document printer) ipp://host:631/ipp/print',
  });

/**
 * An allowed browser origin: `scheme://host[:port]`, where port may be `*` (any port). Loopback by default because
 * the kiosk UI is served by the bridge itself on the same machine.
 */
const originPattern = z.string().regex(/^https?:\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:(\d{1,5}|\*))?$/, {
  message: 'must be an origin like http://host:port (port may be *)',
});

export const DEFAULT_ALLOWED_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

export const deviceConfigSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: 'must be 1-64 letters, digits, _ . - (starting with a letter or digit)' }),
    kind: z.enum(DEVICE_KINDS),
    path: devicePath,
    /** Default per kind (DEFAULT_BAUD). */
    baud: z
      .number()
      .int()
      .refine((b) => STANDARD_BAUDS.includes(b), { message: `must be one of ${STANDARD_BAUDS.join(', ')}` })
      .optional(),
    /** false: listed (shown as noDevice) but not opened. */
    enabled: z.boolean().default(true),
    /** Driver-specific settings; each driver validates its own. */
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .transform((d) => ({ ...d, baud: d.baud ?? DEFAULT_BAUD[d.kind] }));

/** A staff member who logs in to /tech or /hall (issue 6, "Access"); the hash comes from auth/hash-password.ts. */
export const staffUserSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/, { message: 'must be 1-64 letters, digits, _ . @ - (starting with a letter or digit)' }),
    role: z.enum(STAFF_ROLES),
    passwordHash: z.string().refine(isPasswordHash, { message: 'must be scrypt$N$r$p$salt$hash (make one with: tsx device-bridge/src/auth/hash-password.ts)' }),
  })
  .strict();

const MINUTE = 60_000;

export const bridgeConfigSchema = z
  .object({
    http: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        /** 0 = any free port (tests). */
        port: z.number().int().min(0).max(65535).default(8080),
      })
      .strict()
      .prefault({}),
    /** Where the bridge keeps its state (print queue, hall data). Relative to the config file. */
    dataDir: z.string().min(1).default('.data'),
    /**
     * Where the hall's data lives (store/hallStoreSetting.ts): "sqlite" (hall.sqlite in dataDir) or a PostgreSQL URL
     * `postgres://user@host:5432/database?schema=hall` (schema default public; created and migrated on start).
     */
    store: z
      .string()
      .default('sqlite')
      .superRefine((v, ctx) => {
        try {
          parseHallStoreSetting(v);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    /** Browser origins accepted on /kiosk (and /hall, /tech besides their token). */
    allowedOrigins: z.array(originPattern).default(DEFAULT_ALLOWED_ORIGINS),
    /** The built UI to serve; relative to the config file. Default: kiosk-ui/dist of this checkout. */
    uiDir: z.string().min(1).optional(),
    /** Shared secrets for the reserved namespaces; a namespace without a token refuses every connection. */
    tokens: z
      .object({ hall: z.string().min(16).optional(), tech: z.string().min(16).optional() })
      .strict()
      .prefault({}),
    /**
     * Who may open `/kiosk`, the kiosk's own screen (api/kioskScreen.ts): a loopback peer with the screen secret the
     * bridge writes into the kiosk page. `allowedAddresses`: IP addresses of a screen on another PC (it loads its page
     * from this bridge, whose origin must then be in allowedOrigins, and still needs the secret). `secret`: a fixed
     * secret instead of the random per-boot one, for a screen that cannot load its page from here.
     */
    kioskScreen: z
      .object({
        allowedAddresses: z.array(z.string().refine((a) => isIP(a) !== 0, { message: 'must be an IP address like 192.168.1.20 (no host names, no ranges)' })).default([]),
        secret: z.string().regex(/^[A-Za-z0-9_-]{32,256}$/, { message: 'must be 32-256 letters, digits, _ or - (e.g. openssl rand -base64 32 | tr +/ -_ | tr -d =)' }).optional(),
      })
      .strict()
      .prefault({}),
    devices: z.array(deviceConfigSchema).default([]),
    /** Staff who may log in (technician console, manager dashboard). None: every login fails. */
    users: z.array(staffUserSchema).default([]),
    /** Staff sessions and logins (issue 6, "Access"). */
    auth: z
      .object({
        /** Absolute session lifetime; default 8 h. */
        sessionMaxAgeMs: z.number().int().min(1000).max(7 * 24 * 60 * MINUTE).default(8 * 60 * MINUTE),
        /** A session unused this long ends; default 30 min. */
        sessionIdleMs: z.number().int().min(1000).max(24 * 60 * MINUTE).default(30 * MINUTE),
        /** Failed logins allowed per client address and user name per minute; then 429. */
        loginFailuresPerMinute: z.number().int().min(1).max(100).default(5),
        /** Mark the session cookie Secure (set when the bridge is served over HTTPS, e.g. behind a proxy). */
        secureCookie: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /**
     * The simulators' control API (demo launcher, tests), e.g. `http://127.0.0.1:7310`. When set, the technician
     * console shows their controls, proxied through `/api/tech/sims/*` so the browser talks to one origin.
     */
    simulatorControlUrl: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(:\d{1,5})?\/?$/, { message: 'must be an http URL like http://127.0.0.1:7310' })
      .optional(),
    /**
     * A kiosk linked to a hall (issue 6, "Several kiosks, one hall"): the hall bridge's URL and this kiosk's token
     * (one of the hall's `kiosks`). The hall owns the database; this bridge keeps its devices and sessions.
     */
    hall: z
      .object({
        url: z.string().regex(/^https?:\/\/[^\s/]+(:\d{1,5})?\/?$/, { message: 'must be the hall bridge URL like http://10.0.0.5:8080' }),
        kioskToken: z.string().min(16, { message: 'must be at least 16 characters' }),
        /** This kiosk's own label for its logs and hello; the hall's dashboard shows the name from the hall's `kiosks`. */
        name: z.string().min(1).max(64).optional(),
      })
      .strict()
      .optional(),
    /** On a hall bridge: the kiosks that may link to it, each with its own token. */
    kiosks: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: 'must be 1-64 letters, digits, _ . - (starting with a letter or digit)' }),
            token: z.string().min(16, { message: 'must be at least 16 characters' }),
            name: z.string().min(1).max(64).optional(),
          })
          .strict(),
      )
      .default([]),
    /**
     * On a hall bridge: what it allows each linked kiosk (hallLink/kioskRateLimits.ts, kioskLinkServer.ts). Rate
     * limits per kiosk (token buckets): tickets 30 a minute with a burst of 10, citizen lookups 120 a minute with a
     * burst of 30; `liveLinkMs`: a link heard from within this long is alive, and a second connection with its token
     * is refused (default 15 s, three heartbeats).
     */
    kioskLink: z
      .object({
        ticketsPerMinute: z.number().positive().max(10_000).default(30),
        ticketBurst: z.number().int().min(1).max(1000).default(10),
        lookupsPerMinute: z.number().positive().max(100_000).default(120),
        lookupBurst: z.number().int().min(1).max(10_000).default(30),
        liveLinkMs: z.number().int().min(1000).max(10 * MINUTE).default(15_000),
      })
      .strict()
      .prefault({}),
    /**
     * Service windows of the counter workflow (issue 6): `windows` [{ window, deviceId, unit, categories }],
     * `transferCategories` { "1": "A", ... }. Absent: every counter terminal is a window serving every category.
     */
    counterWorkflow: counterWorkflowConfigSchema.optional(),
    /** How long personal data is kept (days; defaults and reasons in hall/retentionPolicy.ts and README "Security"). */
    retention: retentionConfigSchema,
    options: z
      .object({
        logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** Used when a command carries no timeout. */
        defaultCommandTimeoutMs: z.number().int().min(COMMAND_LIMITS.timeoutMinMs).max(COMMAND_LIMITS.timeoutMaxMs).default(COMMAND_LIMITS.defaultTimeoutMs),
        /** How many recent completions are kept for idempotent replies (per namespace). */
        completionCacheSize: z.number().int().min(16).max(100_000).default(1000),
        reconnect: z
          .object({
            minDelayMs: z.number().int().min(10).max(60_000).default(100),
            maxDelayMs: z.number().int().min(10).max(60_000).default(1000),
          })
          .strict()
          .refine((r) => r.maxDelayMs >= r.minDelayMs, { message: 'maxDelayMs must be >= minDelayMs', path: ['maxDelayMs'] })
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Counter workflow windows must name a terminal some counter bus polls (else no key press ever reaches them).
    if (c.counterWorkflow?.windows) {
      const lines = c.devices.filter((d) => d.kind === 'counterbus' && d.enabled).flatMap((d) => {
        try {
          return [{ deviceId: d.id, units: parseCounterBusOptions(d.id, d.options).units }];
        } catch {
          return [{ deviceId: d.id, units: [] }]; // bad options: the driver names them when it starts
        }
      });
      for (const p of counterWindowProblems(c.counterWorkflow.windows, lines)) {
        ctx.addIssue({ code: 'custom', path: ['counterWorkflow', 'windows', p.index, p.field], message: p.message });
      }
    }
    const seen = new Map<string, number>();
    c.devices.forEach((d, i) => {
      const first = seen.get(d.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `duplicate device id "${d.id}" (also devices[${first}])` });
      else seen.set(d.id, i);
      // A scanner's options (suffix, register addresses) are checked at load, so a typo is exit 2, not a dead device.
      if (d.kind === 'qrscanner') for (const p of qrScannerOptionProblems(d.options)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'options', ...p.path], message: p.message });
      // The document printer is reached by IPP, every other device by a port: a swapped path is a typo.
      if ((d.kind === 'docprinter') !== /^ipps?:/.test(d.path)) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'path'], message: d.kind === 'docprinter' ? 'a docprinter path is its IPP URI (ipp://host:631/ipp/print)' : 'an ipp:// URI is only for a docprinter' });
      }
      for (const p of d.kind === 'docprinter' ? docPrinterOptionProblems(d.options) : []) ctx.addIssue({ code: 'custom', path: ['devices', i, 'options', ...p.path], message: p.message });
    });
    const kioskIds = new Map<string, number>();
    const kioskTokens = new Map<string, number>();
    c.kiosks.forEach((k, i) => {
      const first = kioskIds.get(k.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['kiosks', i, 'id'], message: `duplicate kiosk id "${k.id}" (also kiosks[${first}])` });
      else kioskIds.set(k.id, i);
      const sameToken = kioskTokens.get(k.token);
      if (sameToken !== undefined) ctx.addIssue({ code: 'custom', path: ['kiosks', i, 'token'], message: `same token as kiosks[${sameToken}] (each kiosk needs its own)` });
      else kioskTokens.set(k.token, i);
    });
    if (c.hall && c.store !== 'sqlite') {
      ctx.addIssue({ code: 'custom', path: ['store'], message: 'a kiosk linked to a hall (hall.url) keeps no hall data: set either hall or store' });
    }
    if (c.hall && c.kiosks.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['kiosks'], message: 'a kiosk linked to a hall (hall.url) cannot itself serve kiosks: set either hall or kiosks' });
    }
    const names = new Map<string, number>();
    c.users.forEach((u, i) => {
      const first = names.get(u.name.toLowerCase());
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['users', i, 'name'], message: `duplicate user name "${u.name}" (also users[${first}])` });
      else names.set(u.name.toLowerCase(), i);
    });
  });

export type BridgeConfigInput = z.input<typeof bridgeConfigSchema>;
export type BridgeConfig = z.output<typeof bridgeConfigSchema>;
export type DeviceConfig = BridgeConfig['devices'][number];
