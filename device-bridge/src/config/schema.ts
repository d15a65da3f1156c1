/**
 * The bridge's one configuration file (JSON), as a zod schema (README "Site config"). Every field
 * with a default may be left out; unknown fields are errors (a misspelt key silently ignored is a
 * wasted hour on site).
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
import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { isPasswordHash } from '../auth/password.ts';
import { parseCounterBusOptions } from '../devices/counterBus/options.ts';
import { qrScannerOptionProblems } from '../devices/qrScanner/options.ts';
import { docPrinterOptionProblems } from '../devices/ippPrinter/options.ts';
import { counterWindowProblems, counterWorkflowConfigSchema } from '../hall/counterConfig.ts';
import { intakeHoursSchema } from '../hall/intakeHours.ts';
import { personLimitsSchema } from '../hall/personLimits.ts';
import { notificationsConfigSchema } from '../hall/notify/gateway.ts';
import { closingSchema } from '../hall/dayBoundaries.ts';
import { visitsConfigSchema } from '../hall/visits.ts';
import { resultsConfigSchema } from '../hall/resultConfig.ts';
import { retentionConfigSchema } from '../hall/retentionPolicy.ts';
import { parseHallStoreSetting } from '../store/hallStoreSetting.ts';
import { siteConfigSchema } from './site.ts';

/** Default line speed per kind, from the specs (id-reader-sam.md, escpos.md: 115200; counter-bus.md, qr-scanner.md: 9600). */
export const DEFAULT_BAUD: Record<DeviceKind, number> = { idreader: 115200, printer: 115200, counterbus: 9600, qrscanner: 9600,
  // The document printer speaks IPP over the network; the field is unused but every kind has one.
  docprinter: 9600 };

/** An identity code issuer's key (docs/mobile-codes.md): Ed25519 only, so a weaker key cannot be configured. */
function isEd25519PublicKeyPem(pem: string): boolean {
  try {
    return createPublicKey(pem).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

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
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: 'must be 1-64 letters, digits, _ . - (starting with a letter or digit)' })
      .meta({ description: 'The device\'s name in logs, /tech and the API (e.g. reader, printer, counters).' }),
    kind: z.enum(DEVICE_KINDS).meta({ description: 'Which driver: idreader (ID card reader, SAM), printer (ESC/POS), counterbus (Modbus counter terminals), qrscanner (QR scan engine).' }),
    path: devicePath.meta({ description: 'Serial port (prefer the stable /dev/serial/by-id/... name; COM3 on Windows) or tcp://host:port of a serial device server.' }),
    /** Default per kind (DEFAULT_BAUD). */
    baud: z
      .number()
      .int()
      .refine((b) => STANDARD_BAUDS.includes(b), { message: `must be one of ${STANDARD_BAUDS.join(', ')}` })
      .optional()
      .meta({ description: `Line speed, one of ${STANDARD_BAUDS.join(', ')}. Default per kind: idreader and printer 115200, counterbus and qrscanner 9600.`, unit: 'bit/s' }),
    /** false: listed (shown as noDevice) but not opened. */
    enabled: z.boolean().default(true).meta({ description: 'false: listed (shown as noDevice) but not opened.' }),
    /** Driver-specific settings; each driver validates its own. */
    options: z.record(z.string(), z.unknown()).default({}).meta({ description: 'Driver settings of this kind; see "Device options" below.' }),
  })
  .strict()
  .transform((d) => ({ ...d, baud: d.baud ?? DEFAULT_BAUD[d.kind] }));

/**
 * A staff member who logs in to /tech or /hall (README "For technicians: the console", access); the
 * hash comes from auth/hash-password.ts.
 */
export const staffUserSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/, { message: 'must be 1-64 letters, digits, _ . @ - (starting with a letter or digit)' })
      .meta({ description: 'Login name (case-insensitive unique).' }),
    role: z.enum(STAFF_ROLES).meta({ description: 'What the login may do: manager (/hall dashboard), technician (/tech console), clerk (counter pre-review of kiosk applications), district (read-only: every hall of the database, GET /api/district/halls, and this hall\'s dashboard).' }),
    passwordHash: z.string().refine(isPasswordHash, { message: 'must be scrypt$N$r$p$salt$hash (make one with: tsx device-bridge/src/auth/hash-password.ts)' })
      .meta({ description: 'scrypt$N$r$p$salt$hash, made with `npx tsx device-bridge/src/auth/hash-password.ts`; never the password itself.' }),
  })
  .strict();

const MINUTE = 60_000;

export const bridgeConfigSchema = z
  .object({
    http: z
      .object({
        host: z.string().min(1).default('127.0.0.1')
          .meta({ description: 'Address to listen on: 127.0.0.1 on a kiosk PC (only its own screen), 0.0.0.0 or the LAN IP on a hall server (kiosks, counters, phones).' }),
        /** 0 = any free port (tests). */
        port: z.number().int().min(0).max(65535).default(8080).meta({ description: 'TCP port; 0 = any free port (tests).' }),
      })
      .strict()
      .prefault({})
      .meta({ description: 'Where the bridge listens (HTTP, socket.io).' }),
    /** Where the bridge keeps its state (print queue, hall data). Relative to the config file. */
    dataDir: z.string().min(1).default('.data').meta({ description: 'Folder of the bridge\'s state (hall database, print queue, signing key), made owner-only. Relative to the config file.' }),
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
      })
      .meta({ description: 'Where the hall\'s data lives: "sqlite" (hall.sqlite in dataDir) or a PostgreSQL URL postgres://user@host:5432/database?schema=hall (schema default public; created and migrated on start).' }),
    /**
     * Several hall-server instances serving one hall (README "Many instances"): the Redis server that carries calls
     * and boards between them (socket.io's Redis adapter) and, with a PostgreSQL store, the lease that lets exactly
     * one instance drive the hall's counter bus.
     */
    instances: z
      .object({
        redisUrl: z.string().regex(/^rediss?:\/\/[^\s/]+(\/\d{1,2})?$/, { message: 'must be a Redis URL like redis://10.0.0.7:6379 or redis://:password@host:6379/0' })
          .meta({ description: 'Redis server shared by every instance of the hall: redis://host:6379 (optionally :password@ and /db).' }),
        keyPrefix: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ . : -' }).default('onedoor')
          .meta({ description: 'Prefix of the Redis channels: the same on every instance of one hall, another one per hall sharing the Redis server.' }),
        leaseCheckMs: z.number().int().min(100).max(60_000).default(2_000)
          .meta({ description: 'How often an instance that does not drive the counter bus tries to take it over (PostgreSQL store only).', unit: 'ms' }),
      })
      .strict()
      .optional()
      .meta({ description: 'Several hall-server instances serving one hall: Redis for calls between them, the counter bus lease.' }),
    /** Browser origins accepted on /kiosk (and /hall, /tech besides their token). */
    allowedOrigins: z.array(originPattern).default(DEFAULT_ALLOWED_ORIGINS)
      .meta({ description: 'Browser origins (scheme://host[:port], port may be *) accepted on /kiosk, /hall and /tech.' }),
    /** The built UI to serve; relative to the config file. Default: kiosk-ui/dist of this checkout. */
    uiDir: z.string().min(1).optional().meta({ description: 'The built UI to serve. Relative to the config file. Default: kiosk-ui/dist of this checkout.' }),
    /** Shared secrets for the reserved namespaces; a namespace without a token refuses every connection. */
    tokens: z
      .object({
        hall: z.string().min(16).optional().meta({ description: 'Shared secret for the /hall namespace (at least 16 characters); absent: /hall refuses everyone.' }),
        tech: z.string().min(16).optional().meta({ description: 'Shared secret for the /tech namespace (at least 16 characters); absent: /tech refuses everyone.' }),
        metrics: z.string().min(16).optional().meta({ description: 'Bearer token of a Prometheus server for GET /metrics (at least 16 characters), good for nothing else; absent: /metrics refuses everyone (README "Monitoring").' }),
      })
      .strict()
      .prefault({})
      .meta({ description: 'Shared secrets of the reserved socket namespaces, besides the staff login.' }),
    /** Issuers of mobile identity codes the QR scanner accepts (docs/mobile-codes.md); none: identity codes are refused. */
    identityIssuers: z.array(z.object({
      id: z.string().regex(/^[a-z0-9-]{1,32}$/, { message: 'must be 1-32 lowercase letters, digits or -' })
        .meta({ description: 'The issuer id the codes name (iss), e.g. "yss".' }),
      name: z.string().min(1).max(30).meta({ description: 'The issuer as the session shows it, e.g. 粤省事.' }),
      keyId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, { message: 'must be 1-32 letters, digits, _ or -' })
        .meta({ description: 'The key id the codes name (kid); list an issuer twice to rotate its key.' }),
      publicKeyPem: z.string().refine(isEd25519PublicKeyPem, { message: 'must be an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)' })
        .meta({ description: 'The issuer\'s Ed25519 public key (SPKI PEM) that signs its codes.' }),
    }).strict()).default([])
      .meta({ description: 'Issuers of mobile identity codes (粤省事-style) a scanned code may come from (docs/mobile-codes.md).', docDefault: [] }),
    /**
     * Who may open `/kiosk`, the kiosk's own screen (api/kioskScreen.ts): a loopback peer with the screen secret the
     * bridge writes into the kiosk page. `allowedAddresses`: IP addresses of a screen on another PC (it loads its page
     * from this bridge, whose origin must then be in allowedOrigins, and still needs the secret). `secret`: a fixed
     * secret instead of the random per-boot one, for a screen that cannot load its page from here.
     */
    kioskScreen: z
      .object({
        allowedAddresses: z.array(z.string().refine((a) => isIP(a) !== 0, { message: 'must be an IP address like 192.168.1.20 (no host names, no ranges)' })).default([])
          .meta({ description: 'IP addresses of a kiosk screen on another PC (besides loopback) that may open /kiosk.' }),
        secret: z.string().regex(/^[A-Za-z0-9_-]{32,256}$/, { message: 'must be 32-256 letters, digits, _ or - (e.g. openssl rand -base64 32 | tr +/ -_ | tr -d =)' }).optional()
          .meta({ description: 'A fixed screen secret instead of the random per-boot one, for a screen that cannot load its page from this bridge.' }),
      })
      .strict()
      .prefault({})
      .meta({ description: 'Who may open /kiosk, the kiosk\'s own screen.' }),
    // `docDefault`: the input-side JSON schema leaves the default out behind the items' transform (config-reference.md).
    devices: z.array(deviceConfigSchema).default([]).meta({ description: 'The serial devices this bridge drives.', docDefault: [] }),
    /** Staff who may log in (technician console, manager dashboard). None: every login fails. */
    users: z.array(staffUserSchema).default([]).meta({ description: 'Staff who may log in to /tech or /hall; none: every login fails.' }),
    /** Staff sessions and logins (README "For technicians: the console", access). */
    auth: z
      .object({
        /** Absolute session lifetime; default 8 h. */
        sessionMaxAgeMs: z.number().int().min(1000).max(7 * 24 * 60 * MINUTE).default(8 * 60 * MINUTE)
          .meta({ description: 'Absolute lifetime of a staff session (8 h).', unit: 'ms' }),
        /** A session unused this long ends; default 30 min. */
        sessionIdleMs: z.number().int().min(1000).max(24 * 60 * MINUTE).default(30 * MINUTE)
          .meta({ description: 'A staff session unused this long ends (30 min).', unit: 'ms' }),
        /** Failed logins allowed per client address and user name per minute; then 429. */
        loginFailuresPerMinute: z.number().int().min(1).max(100).default(5)
          .meta({ description: 'Failed logins allowed per client address and user name; then 429.', unit: 'per minute' }),
        /** Mark the session cookie Secure (set when the bridge is served over HTTPS, e.g. behind a proxy). */
        secureCookie: z.boolean().default(false).meta({ description: 'Mark the session cookie Secure (when served over HTTPS, e.g. behind a proxy).' }),
      })
      .strict()
      .prefault({})
      .meta({ description: 'Staff sessions and logins.' }),
    /**
     * The simulators' control API (demo launcher, tests), e.g. `http://127.0.0.1:7310`. When set, the technician
     * console shows their controls, proxied through `/api/tech/sims/*` so the browser talks to one origin.
     */
    simulatorControlUrl: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(:\d{1,5})?\/?$/, { message: 'must be an http URL like http://127.0.0.1:7310' })
      .optional()
      .meta({ description: 'Demo and tests only: the simulators\' control API, shown in the technician console.' }),
    /**
     * A kiosk linked to a hall (README "Several kiosks, one hall"): the hall bridge's URL and this
     * kiosk's token (one of the hall's `kiosks`). The hall owns the database; this bridge keeps its
     * devices and sessions.
     */
    hall: z
      .object({
        url: z.string().regex(/^https?:\/\/[^\s/]+(:\d{1,5})?\/?$/, { message: 'must be the hall bridge URL like http://10.0.0.5:8080' })
          .meta({ description: 'The hall server\'s bridge URL as this kiosk reaches it.' }),
        kioskToken: z.string().min(16, { message: 'must be at least 16 characters' })
          .meta({ description: 'This kiosk\'s token: the same as its entry in the hall\'s `kiosks`.' }),
        /** This kiosk's own label for its logs and hello; the hall's dashboard shows the name from the hall's `kiosks`. */
        name: z.string().min(1).max(64).optional().meta({ description: 'This kiosk\'s label in its own logs (the hall\'s dashboard uses the hall\'s `kiosks[].name`).' }),
      })
      .strict()
      .optional()
      .meta({ description: 'On a kiosk PC: the hall server it is linked to (the hall owns the database).' }),
    /** On a hall bridge: the kiosks that may link to it, each with its own token. */
    kiosks: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: 'must be 1-64 letters, digits, _ . - (starting with a letter or digit)' })
              .meta({ description: 'The kiosk\'s id in the hall (dashboard, audit).' }),
            token: z.string().min(16, { message: 'must be at least 16 characters' }).meta({ description: 'The kiosk\'s own secret (its `hall.kioskToken`), one per kiosk.' }),
            name: z.string().min(1).max(64).optional().meta({ description: 'Shown on the dashboard, e.g. 一楼大厅 1号机.' }),
          })
          .strict(),
      )
      .default([])
      .meta({ description: 'On a hall server: the kiosks that may link to it.' }),
    /**
     * On a hall bridge: what it allows each linked kiosk (hallLink/kioskRateLimits.ts, kioskLinkServer.ts). Rate
     * limits per kiosk (token buckets): tickets 30 a minute with a burst of 10, citizen lookups 120 a minute with a
     * burst of 30; `liveLinkMs`: a link heard from within this long is alive, and a second connection with its token
     * is refused (default 15 s, three heartbeats).
     */
    kioskLink: z
      .object({
        ticketsPerMinute: z.number().positive().max(10_000).default(30).meta({ description: 'Tickets a linked kiosk may take (token bucket rate).', unit: 'per minute' }),
        ticketBurst: z.number().int().min(1).max(1000).default(10).meta({ description: 'Tickets a linked kiosk may take at once (bucket size).', unit: 'tickets' }),
        lookupsPerMinute: z.number().positive().max(100_000).default(120).meta({ description: 'Citizen lookups a linked kiosk may make.', unit: 'per minute' }),
        lookupBurst: z.number().int().min(1).max(10_000).default(30).meta({ description: 'Citizen lookups at once (bucket size).', unit: 'lookups' }),
        liveLinkMs: z.number().int().min(1000).max(10 * MINUTE).default(15_000)
          .meta({ description: 'A link heard from within this long is alive; a second connection with its token is refused.', unit: 'ms' }),
      })
      .strict()
      .prefault({})
      .meta({ description: 'On a hall server: what each linked kiosk is allowed.' }),
    /**
     * Service windows of the counter workflow (README "For the hall: counter terminals and the hall
     * display"): `windows` [{ window, deviceId, unit, categories }], `transferCategories` { "1":
     * "A", ... }. Absent: every counter terminal is a window serving every category.
     */
    intakeHours: intakeHoursSchema.meta({ description: 'Hours of walk-in ticket issuing on the hall clock, and the kiosk\'s words outside them (README "Running the hall floor").' }),
    results: resultsConfigSchema.meta({ description: 'Collecting finished results: the pickup ticket category and when an uncollected result is listed for managers (README "Collecting results (领取结果)").' }),
    personLimits: personLimitsSchema.meta({ description: 'Per-person ticket and open-appointment limits against ticket touts (README "Running the hall floor").' }),
    notifications: notificationsConfigSchema.meta({ description: 'Result notices (办结, 退回, 不予受理): the gateway they leave the hall through (README "Result notices (结果反馈)", docs/notification-gateway.md).' }),
    closing: closingSchema.optional().meta({ description: 'Closing time of the hall day and what happens to the tickets still waiting (README "Running the hall floor"). Absent: no closing run (intakeHours.closes still ends walk-in tickets).' }),
    visits: visitsConfigSchema.meta({ description: 'One visit, several windows (多窗联办): services one ticket may carry (README "Running the hall floor").' }),
    counterWorkflow: counterWorkflowConfigSchema.optional()
      .meta({ description: 'Service windows of the counter workflow. Absent: the windows of the loaded catalogue, else every counter terminal is a window serving every category.' }),
    /** How long personal data is kept (days; defaults and reasons in hall/retentionPolicy.ts and README "Security"). */
    retention: retentionConfigSchema.meta({ description: 'How long personal data is kept (README "Security").' }),
    /** Online backups of the SQLite hall database (store/hallBackup.ts, README "Backups"); PostgreSQL: pg_dump. */
    backup: z
      .object({
        dir: z.string().min(1).optional()
          .meta({ description: 'Folder of the hall database\'s backups, made owner-only (0700, files 0600); default: backups/ inside dataDir. Relative to the config file. Best on another disk than dataDir.' }),
        everyHours: z.number().min(0).max(24 * 7).default(6)
          .meta({ description: 'Hours between online backups of the SQLite hall database (the first one a minute after start when the newest is older); 0: no scheduled backups. Not used with a PostgreSQL store (pg_dump, README "Backups").', unit: 'h' }),
        keep: z.number().int().min(1).max(10_000).default(28)
          .meta({ description: 'Newest backups kept; older ones are deleted after each backup.', unit: 'backups' }),
      })
      .strict()
      .prefault({})
      .meta({ description: 'Scheduled online backups of the hall database (README "Backups").' }),
    /** Device-traffic recordings (recording/recorder.ts, README "Record and replay", docs/recording-format.md). */
    recording: z
      .object({
        enabled: z.boolean().default(false)
          .meta({ description: 'Record from start-up until stopped on /tech (a technician can also start and stop recordings there).' }),
        dir: z.string().min(1).optional()
          .meta({ description: 'Folder of the recordings (owner-only); default: recordings/ inside dataDir. Relative to the config file.' }),
        maxFileBytes: z.number().int().min(1024).max(1024 ** 3).default(16 * 1024 ** 2)
          .meta({ description: 'A recording file is closed and the next one opened before it passes this size.', unit: 'bytes' }),
        maxSessionBytes: z.number().int().min(1024).max(64 * 1024 ** 3).default(512 * 1024 ** 2)
          .meta({ description: 'A recording session stops (with an alert on /tech and in the log) before it passes this size: the guard that keeps it from filling the disk.', unit: 'bytes' }),
        window: z
          .object({
            from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM' })
              .meta({ description: 'Start of the daily recording, hall time.', unit: 'HH:MM' }),
            to: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM' })
              .meta({ description: 'End of the daily recording, hall time (before from: over midnight).', unit: 'HH:MM' }),
          })
          .strict()
          .optional()
          .meta({ description: 'Record every day between these hall times (HH:MM, site time zone), e.g. the morning peak a fault was reported in.' }),
      })
      .strict()
      .prefault({})
      .meta({ description: 'Recording of device traffic for replay on the simulators (README "Record and replay").' }),
    site: siteConfigSchema,
    options: z
      .object({
        logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
          .meta({ description: 'Log lines at this level and above go to stdout (JSON, pino).' }),
        /** Used when a command carries no timeout. */
        defaultCommandTimeoutMs: z.number().int().min(COMMAND_LIMITS.timeoutMinMs).max(COMMAND_LIMITS.timeoutMaxMs).default(COMMAND_LIMITS.defaultTimeoutMs)
          .meta({ description: 'Timeout of a device command that carries none.', unit: 'ms' }),
        /** How many recent completions are kept for idempotent replies (per namespace). */
        completionCacheSize: z.number().int().min(16).max(100_000).default(1000)
          .meta({ description: 'Recent completions kept per namespace, so a resent request gets the same answer.', unit: 'completions' }),
        reconnect: z
          .object({
            minDelayMs: z.number().int().min(10).max(60_000).default(100).meta({ description: 'First delay before reopening a lost device.', unit: 'ms' }),
            maxDelayMs: z.number().int().min(10).max(60_000).default(1000).meta({ description: 'Longest delay between reopen attempts (doubling from minDelayMs).', unit: 'ms' }),
          })
          .strict()
          .refine((r) => r.maxDelayMs >= r.minDelayMs, { message: 'maxDelayMs must be >= minDelayMs', path: ['maxDelayMs'] })
          .prefault({})
          .meta({ description: 'Reconnect back-off of every device.' }),
      })
      .strict()
      .prefault({})
      .meta({ description: 'Logging and command handling.' }),
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
