/**
 * Who may do what, in ONE table, for every transport (等保 2.0 level 3: every peer authenticated, least privilege;
 * architecture.md "One command model everywhere"):
 *
 * - every REST route (`GET /api/health`, `POST /api/tech/devices/:id/actions/:name`, ...),
 * - every socket.io event of every namespace (`/tech deviceCommand`, `/kiosk kioskCommand`, ...),
 * - every device action per namespace (`/tech idreader.samReset`, `/kiosk printer.print:ticket`, ...),
 *
 * each with the roles allowed. `checkAccess` is the only place a role is compared: the express guard
 * (api/accessGuard.ts), the socket.io boundary (api/socketBoundary.ts) and the device command handlers all call it,
 * so the same action gets the same answer over REST and over a socket. What is not in the table is refused.
 *
 * Roles (who a caller is, established by the transport before the check):
 * - `anyone`: no credential at all (the hall display, a phone scanning a certificate QR, the login form); the phone
 *   page's routes are `anyone` at this door and then answer only to a ticket capability (api/phoneRoutes.ts);
 * - `kioskScreen`: the kiosk's own screen, admitted to `/kiosk` by that namespace's handshake (api/kioskSocket.ts);
 * - `technician`, `manager`: a staff login session (auth/staffAuth.ts, the HttpOnly cookie);
 * - `techToken`, `hallToken`: the machine tokens of the config (`tokens.tech`, `tokens.hall`), for scripts and
 *   automation: as `auth.token` on a socket, as `Authorization: Bearer` over REST;
 * - `metricsToken`: the config's `tokens.metrics`, for a Prometheus server scraping `GET /metrics` (README
 *   "Monitoring"); it may do nothing else, so a monitoring host holds no key to the hall or the devices;
 * - `phoneCitizen`: a phone signed in by a kiosk's hand-off (README "The phone channel"): `Authorization: Bearer PS1.…`
 *   of the phone session's shape admits the request here; the route then makes it that citizen only once the store
 *   finds the session live (api/phoneSessionRoutes.ts), else 401. It may read and book only the citizen's own data;
 * - `linkedKiosk`: a kiosk bridge linked to this hall with its kiosk token (`/kiosklink`, hallLink/kioskLinkServer.ts);
 * - `district`: a staff login of the district manager (README "Running a district", "Many halls, one database"):
 *   reads the figures of every hall of the database (`GET /api/district/halls`) and may look at this hall's
 *   dashboard, but changes nothing: no write route, no command, no device action names it.
 *
 * Device actions: technician actions (raw printing, SAM commands, counter terminal display/LED/beep, test pages)
 * run only on `/tech` (and its REST twin) for a technician or the tech token. `/kiosk` may only print the standard
 * ticket (no raw bytes, no free recipe). `/hall` runs no device action: managers watch the hall, the counter workflow
 * drives the terminals itself.
 */
import type {
  DisplayClientToServerEvents, HallClientToServerEvents, KioskClientToServerEvents, KioskLinkClientToServerEvents,
  StaffRole, TechClientToServerEvents,
} from '@onedoor/protocol';

export const ROLES = ['anyone', 'kioskScreen', 'technician', 'manager', 'clerk', 'district', 'techToken', 'hallToken', 'metricsToken', 'linkedKiosk',
  'phoneCitizen'] as const;
export type Role = (typeof ROLES)[number];

/** The socket.io namespaces the bridge serves. */
export const SOCKET_NAMESPACES = ['/kiosk', '/hall', '/tech', '/display', '/kiosklink'] as const;
export type SocketNamespace = (typeof SOCKET_NAMESPACES)[number];

const STAFF: readonly Role[] = ['technician', 'manager'];
const TECHNICIAN: readonly Role[] = ['technician', 'techToken'];
const ANYONE: readonly Role[] = ['anyone'];
/** A phone signed in by a kiosk hand-off, acting for that citizen only. */
const PHONE: readonly Role[] = ['phoneCitizen'];
/** Who may look at the hall dashboard: its managers, technicians for a device problem, the district manager. */
const HALL_VIEWERS: readonly Role[] = ['manager', 'technician', 'district', 'hallToken'];

// ---- REST -----------------------------------------------------------------------------------------------------

export type HttpMethod = 'GET' | 'POST';

export interface RestRule {
  method: HttpMethod;
  /** Express-like: `:name` is one path segment, a trailing `/*` is one or more segments. */
  path: string;
  roles: readonly Role[];
  /** Why these roles (the README's roles table is made from these rows). */
  why: string;
}

export const REST_RULES: readonly RestRule[] = [
  { method: 'GET', path: '/metrics', roles: ['metricsToken'], why: 'Prometheus metrics: counts and states only, no personal data; its own token so a monitoring host can do nothing else' },
  { method: 'GET', path: '/api/health', roles: ANYONE, why: 'liveness for monitors; states only, no personal data' },
  { method: 'GET', path: '/api/devices', roles: ANYONE, why: 'device states (what every /kiosk snapshot carries); no personal data' },
  { method: 'GET', path: '/api/devices/:id', roles: [...STAFF, 'techToken'], why: 'device details and its actions: technician data' },
  { method: 'GET', path: '/api/serial-ports', roles: ['technician', 'techToken'], why: 'the machine\'s serial ports: technician data' },
  { method: 'POST', path: '/api/login', roles: ANYONE, why: 'the login form (rate-limited per user and address)' },
  { method: 'POST', path: '/api/logout', roles: ANYONE, why: 'ends the caller\'s own session, if any' },
  { method: 'GET', path: '/api/me', roles: [...STAFF, 'district'], why: 'the caller\'s own session' },
  { method: 'GET', path: '/api/tech/devices', roles: [...STAFF, 'techToken'], why: 'technician console (managers may look)' },
  { method: 'GET', path: '/api/tech/devices/:id/frames', roles: [...STAFF, 'techToken'], why: 'frame logs are masked; console view' },
  { method: 'POST', path: '/api/tech/devices/:id/actions/:name', roles: TECHNICIAN, why: 'device actions; the /tech device rows decide per action' },
  { method: 'GET', path: '/api/tech/sims', roles: [...STAFF, 'techToken'], why: 'simulator control view' },
  { method: 'GET', path: '/api/tech/sims/*', roles: [...STAFF, 'techToken'], why: 'simulator views and printed tickets' },
  { method: 'POST', path: '/api/tech/sims/*', roles: TECHNICIAN, why: 'simulator controls act on devices' },
  { method: 'GET', path: '/api/tech/recordings', roles: [...STAFF, 'techToken'], why: 'recorder status and recording files (README "Record and replay"; contents masked at the source)' },
  { method: 'POST', path: '/api/tech/recordings/start', roles: TECHNICIAN, why: 'starting a device-traffic recording: technicians, from an allowed origin' },
  { method: 'POST', path: '/api/tech/recordings/stop', roles: TECHNICIAN, why: 'stopping the running recording' },
  { method: 'GET', path: '/api/tech/recordings/:name', roles: TECHNICIAN, why: 'downloading a recording to send to a vendor (personal data masked at the source)' },
  { method: 'POST', path: '/api/tech/recordings/:name/replay', roles: TECHNICIAN, why: 'replaying a recording against simulators and a fresh bridge in a child process (never the live devices or store): technicians, from an allowed origin' },
  { method: 'GET', path: '/api/tech/replay', roles: TECHNICIAN, why: 'the running replay\'s progress and its divergence report' },
  { method: 'POST', path: '/api/tech/replay/stop', roles: TECHNICIAN, why: 'ending the running replay' },
  { method: 'GET', path: '/api/hall/dashboard', roles: HALL_VIEWERS, why: 'the manager dashboard (technicians may look for a device problem; the district manager reads it)' },
  { method: 'GET', path: '/api/hall/export.csv', roles: HALL_VIEWERS, why: 'the day\'s figures (no personal data)' },
  { method: 'GET', path: '/api/district/halls', roles: ['district'], why: 'figures of every hall of the database (counts only): the district manager\'s read-only view; a hall\'s own staff see their hall only' },
  { method: 'GET', path: '/api/hall/audit', roles: ['manager'], why: 'the access audit of citizens\' data: managers only (等保 2.0 audit review); refusals of staff are audited too' },
  { method: 'GET', path: '/api/hall/audit/export.csv', roles: ['manager'], why: 'the same, exported as CSV' },
  { method: 'GET', path: '/api/hall/catalogue', roles: STAFF, why: 'the catalogue page: categories, windows, slot capacities, holidays (no personal data)' },
  { method: 'POST', path: '/api/hall/holds/:ticketId/return', roles: ['manager'], why: 'a ticket in the hold pool back to the queue in its place (README "Running the hall floor"): managers, from an allowed origin' },
  { method: 'POST', path: '/api/hall/catalogue', roles: ['manager'], why: 'catalogue edits change what the hall offers: managers, from an allowed origin; checked as the catalogue command checks' },
  { method: 'GET', path: '/api/hall/intake/pending', roles: ['clerk', 'manager'], why: 'kiosk applications waiting for pre-review, with their form data: the counter clerks (managers may look); every read is audited' },
  { method: 'POST', path: '/api/hall/intake/:serial/decision', roles: ['clerk'], why: 'accept (受理), return or reject a kiosk application: the clerk\'s own act, from an allowed origin, audited' },
  { method: 'GET', path: '/api/hall/applications/:serial', roles: ['clerk', 'manager'], why: 'one application by its serial, to move it on (README "Result notices"): counter clerks (managers may look); audited' },
  { method: 'POST', path: '/api/hall/applications/:serial/advance', roles: ['clerk'], why: 'move an application on (审查, 决定, 办结, 退回, 不予受理; the citizen is told of an end): the clerk\'s own act, from an allowed origin, audited' },
  { method: 'GET', path: '/api/hall/intake/checks', roles: ['manager'], why: 'post-hoc checks (事后核查) of written commitments: managers; audited' },
  { method: 'POST', path: '/api/hall/intake/checks/:id', roles: ['manager'], why: 'record a check\'s outcome (a false commitment flags the applicant\'s later ones): managers, from an allowed origin, audited' },
  { method: 'GET', path: '/api/intake-state', roles: ANYONE, why: 'whether the hall takes tickets now (open, paused, closed) and the words kiosks and the phone page show; no personal data' },
  { method: 'POST', path: '/api/hall/intake', roles: ['manager'], why: 'pause, resume or close intake for the day (README "Running the hall floor"): managers, from an allowed origin, audited' },
  { method: 'GET', path: '/api/site', roles: ANYONE, why: 'the hall\'s id, name, public URL, zone and services per ticket for the screens; no secrets, no personal data' },
  { method: 'GET', path: '/api/hall/results', roles: ['manager'], why: 'parcels to send (with the post address) and results not collected after N days: managers; audited' },
  { method: 'POST', path: '/api/hall/results/:serial/collected', roles: ['clerk'], why: 'record that a finished result was handed out at the clerk\'s window (time and window): clerks, from an allowed origin, audited' },
  { method: 'POST', path: '/api/hall/results/:serial/posted', roles: ['manager'], why: 'mark a parcel posted: managers, from an allowed origin, audited' },
  { method: 'GET', path: '/api/catalogue/names', roles: ANYONE, why: 'public catalogue names in English for the kiosk screen; no personal data' },
  { method: 'GET', path: '/api/verify', roles: ANYONE, why: 'anyone holding a printed copy may verify it (hall-rules.md "Electronic certificates")' },
  { method: 'POST', path: '/api/verify', roles: ANYONE, why: 'the same, for scanners that post' },
  { method: 'GET', path: '/api/m/ticket', roles: ANYONE, why: 'the phone page: one ticket\'s number, position and calls, only for its capability (?c=, 128-bit MAC, that day, this hall); no ID number or name; rate-limited per address (README "The phone channel")' },
  { method: 'GET', path: '/api/m/ticket/events', roles: ANYONE, why: 'the same view as server-sent events while the page is open; same capability and limits, streams bounded per address' },
  { method: 'POST', path: '/api/m/session', roles: ANYONE, why: 'the phone takes a kiosk hand-off (one-time H1 token, 256 bits, 2 minutes) and gets a phone session; refusals counted, rate-limited per address' },
  { method: 'POST', path: '/api/m/session/logout', roles: PHONE, why: 'the phone citizen ends their own phone session (its holder is deleted)' },
  { method: 'GET', path: '/api/m/me', roles: PHONE, why: 'the phone citizen\'s masked name and number and the session\'s end' },
  { method: 'GET', path: '/api/m/me/tickets', roles: PHONE, why: 'the citizen\'s own tickets today, each with its capability' },
  { method: 'GET', path: '/api/m/me/appointments', roles: PHONE, why: 'the citizen\'s own appointments, bookable days and services' },
  { method: 'GET', path: '/api/m/me/slots', roles: PHONE, why: 'free slots of a service on a day (no personal data)' },
  { method: 'POST', path: '/api/m/me/appointments', roles: PHONE, why: 'booking for the citizen through the kiosk\'s appointment service (same rules, same store)' },
  { method: 'POST', path: '/api/m/me/appointments/:id/cancel', roles: PHONE, why: 'cancelling one of the citizen\'s own appointments (same rules as the kiosk)' },
  { method: 'GET', path: '/api/m/me/progress', roles: PHONE, why: 'the citizen\'s own applications and kiosk applications awaiting pre-review' },
  { method: 'GET', path: '/api/m/me/certificates', roles: PHONE, why: 'the citizen\'s certificates by name and kind only; copies are printed at a kiosk or counter' },
  { method: 'POST', path: '/api/m/me/identity-code', roles: PHONE, why: 'a mobile identity code (ODI1, the hall\'s key, 60 s, once) to sign in at a kiosk\'s scanner' },
];

/** Paths outside /api: the built UI (static files and the SPA's routes), read-only. */
export const UI_RULE: RestRule = { method: 'GET', path: '/*', roles: ANYONE, why: 'the built UI: static files and SPA routes (GET/HEAD only)' };

function compilePath(path: string): RegExp {
  const parts = path.split('/').map((seg) => {
    if (seg === '*') return '.+';
    if (seg.startsWith(':')) return '[^/]+';
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('/')}/?$`);
}

const COMPILED_REST = REST_RULES.map((r) => ({ rule: r, re: compilePath(r.path) }));

/** The rule for a request, or null (refused: not in the table). HEAD is answered as GET. */
export function restRuleFor(method: string, path: string): RestRule | null {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const rule = COMPILED_REST.find((c) => c.rule.method === m && c.re.test(path))?.rule ?? null;
  if (rule || path === '/api' || path.startsWith('/api/')) return rule;
  // Outside /api only the table's own rows (`/metrics`) are more than the UI.
  return m === 'GET' ? UI_RULE : null;
}

/** The table key of a REST rule, as `checkAccess` takes it. */
export function restKey(rule: RestRule): string {
  return `${rule.method} ${rule.path}`;
}

// ---- socket.io events -----------------------------------------------------------------------------------------

export interface EventRule {
  roles: readonly Role[];
  /** `required`: a call without an acknowledgement callback is refused (commands answer exactly once). */
  ack: 'required' | 'none' | 'optional';
  why: string;
}

/** Namespace connections (the handshake checks who the caller is; this says which roles that may be). */
export const CONNECT_RULES: Record<SocketNamespace, readonly Role[]> = {
  '/kiosk': ['kioskScreen'],
  '/hall': HALL_VIEWERS,
  '/tech': [...STAFF, 'techToken'],
  '/display': ANYONE,
  '/kiosklink': ['linkedKiosk'],
};

const command = (roles: readonly Role[], why: string): EventRule => ({ roles, ack: 'required', why });

/**
 * Every client-to-server event of every namespace. The `satisfies` clauses make a contract event without a row a
 * compile error (and the boundary fuzz test checks the listeners the bridge registers against these rows).
 */
export const SOCKET_EVENT_RULES = {
  '/kiosk': {
    getSnapshot: command(['kioskScreen'], 'device states for the screen'),
    deviceCommand: command(['kioskScreen'], 'only citizen-facing device actions (device rows of /kiosk)'),
    kioskCommand: command(['kioskScreen'], 'the citizen functions, each with the session token of the card holder'),
  } satisfies Record<keyof KioskClientToServerEvents, EventRule>,
  '/hall': {
    getSnapshot: command(HALL_VIEWERS, 'device states on the dashboard'),
    deviceCommand: command(['manager', 'technician', 'hallToken'], 'answered, but /hall has no device action: technicians use /tech'),
  } satisfies Record<keyof HallClientToServerEvents, EventRule>,
  '/tech': {
    getSnapshot: command([...STAFF, 'techToken'], 'device states on the console'),
    deviceCommand: command([...STAFF, 'techToken'], 'technician device actions (device rows of /tech)'),
  } satisfies Record<keyof TechClientToServerEvents, EventRule>,
  '/display': {} satisfies Record<keyof DisplayClientToServerEvents, EventRule>,
  '/kiosklink': {
    kioskHello: { roles: ['linkedKiosk'], ack: 'optional', why: 'a linked kiosk registers its devices' },
    kioskDeviceStatus: { roles: ['linkedKiosk'], ack: 'none', why: 'a linked kiosk\'s device status' },
    kioskHeartbeat: { roles: ['linkedKiosk'], ack: 'none', why: 'a linked kiosk\'s heartbeat' },
    hallRequest: command(['linkedKiosk'], 'hall functions for the kiosk\'s citizen (the hall re-validates the citizen)'),
  } satisfies Record<keyof KioskLinkClientToServerEvents, EventRule>,
} as const satisfies Record<SocketNamespace, Record<string, EventRule>>;

/** The rule for `event` on `nsp`, or null (refused: not in the table). */
export function eventRuleFor(nsp: string, event: string): EventRule | null {
  const rules = (SOCKET_EVENT_RULES as Record<string, Record<string, EventRule>>)[nsp];
  return rules && Object.hasOwn(rules, event) ? rules[event] : null;
}

// ---- device actions -------------------------------------------------------------------------------------------

/** Where a device action may come from: a socket namespace (REST `/api/tech/...` counts as `/tech`). */
export type ActionArea = '/kiosk' | '/hall' | '/tech';

/**
 * `kind.action` (and for `print` the form: `print:ticket` the standard ticket fields, `print:raw` raw ESC/POS bytes
 * or a free recipe). `*` on /tech: any other action a driver offers in `actions()` (the console lists them all);
 * the driver itself refuses actions it does not have.
 */
export const DEVICE_ACTION_RULES: Record<ActionArea, Record<string, readonly Role[]>> = {
  '/kiosk': {
    'printer.print:ticket': ['kioskScreen'],
  },
  '/hall': {},
  '/tech': {
    'printer.print:ticket': TECHNICIAN,
    'printer.print:raw': TECHNICIAN,
    'printer.printTestPage': TECHNICIAN,
    'printer.cancelPrint': TECHNICIAN,
    'printer.jobs': TECHNICIAN,
    'idreader.samStatus': TECHNICIAN,
    'idreader.samReset': TECHNICIAN,
    'idreader.readSamId': TECHNICIAN,
    'counterbus.display': TECHNICIAN,
    'counterbus.beep': TECHNICIAN,
    'counterbus.ratingPad': TECHNICIAN,
    'counterbus.led': TECHNICIAN,
    'counterbus.identify': TECHNICIAN,
    'counterbus.terminals': TECHNICIAN,
    '*': TECHNICIAN,
  },
};

/** The device-table key of one command: `printer.print:raw`, `idreader.samReset`, ... */
export function deviceActionKey(kind: string, action: string, args: Record<string, unknown> | undefined): string {
  if (kind === 'printer' && action === 'print') {
    const raw = args !== undefined && (Object.hasOwn(args, 'dataBase64') || Object.hasOwn(args, 'recipe'));
    return `printer.print:${raw ? 'raw' : 'ticket'}`;
  }
  return `${kind}.${action}`;
}

/** The roles allowed to run `key` from `area`, or null when the table has no row (refused). */
export function deviceActionRoles(area: ActionArea, key: string): readonly Role[] | null {
  const rows = DEVICE_ACTION_RULES[area];
  if (Object.hasOwn(rows, key)) return rows[key];
  return Object.hasOwn(rows, '*') ? rows['*'] : null;
}

// ---- the one checker ------------------------------------------------------------------------------------------

export type AccessVerdict =
  | { ok: true }
  /** 401: no credential that could ever be allowed; 403: a credential, but not one of the roles allowed. */
  | { ok: false; status: 401 | 403; message: string };

/** Who the caller is, as a transport established it. `user` only names a staff member in messages and logs. */
export interface Principal {
  roles: readonly Role[];
  user?: string;
}

export const ANONYMOUS: Principal = { roles: ['anyone'] };

const rolesText = (roles: readonly Role[]) => (roles.length ? roles.join(', ') : 'nobody');

/**
 * THE access check: may `who` do `what` (a table key, for messages) given the roles the table allows? `anyone`
 * in `allowed` admits every caller. `area`: the namespace the action belongs to, so a caller who may look there but
 * not do this is told so in those words.
 */
export function checkAccess(what: string, allowed: readonly Role[] | null, who: Principal, area?: SocketNamespace): AccessVerdict {
  if (allowed && (allowed.includes('anyone') || who.roles.some((r) => allowed.includes(r)))) return { ok: true };
  const anonymous = who.roles.every((r) => r === 'anyone');
  if (anonymous && allowed && allowed.length > 0) {
    return { ok: false, status: 401, message: `log in first (POST /api/login with {name, password}): ${what} needs ${rolesText(allowed)}` };
  }
  const as = who.user ? `${who.user} (${who.roles.join(', ')})` : who.roles.join(', ');
  if (area && who.roles.some((r) => CONNECT_RULES[area].includes(r))) {
    return { ok: false, status: 403, message: `${as} may look at ${area} but not act there (${what}: ${rolesText(allowed ?? [])})` };
  }
  if (!allowed) return { ok: false, status: 403, message: `${what} is not allowed here` };
  return { ok: false, status: 403, message: `${as} may not ${what}: allowed for ${rolesText(allowed)}` };
}

/** The check for one REST request (method + path); unknown /api routes are refused with 404 by the guard. */
export function checkRest(method: string, path: string, who: Principal): AccessVerdict | null {
  const rule = restRuleFor(method, path);
  if (!rule) return null;
  const area = /^\/api\/(tech|hall)(?:\/|$)/.exec(path)?.[1];
  return checkAccess(restKey(rule), rule.roles, who, area ? (`/${area}` as SocketNamespace) : undefined);
}

/** The check for one socket event. */
export function checkEvent(nsp: string, event: string, who: Principal): AccessVerdict {
  const rule = eventRuleFor(nsp, event);
  return checkAccess(`use "${event}" on ${nsp}`, rule?.roles ?? null, who);
}

/** The check for one device action from `area`, with a message that says where the action belongs. */
export function checkDeviceAction(area: ActionArea, key: string, who: Principal): AccessVerdict {
  const verdict = checkAccess(`run ${key} on ${area}`, deviceActionRoles(area, key), who, area);
  if (verdict.ok) return verdict;
  const home = (['/tech', '/kiosk'] as const).find((a) => a !== area && deviceActionRoles(a, key)?.some((r) => r !== 'anyone'));
  const hint = area !== '/tech' && home === '/tech' ? ': a technician action, use /tech with a technician session' : '';
  return { ...verdict, message: verdict.message + hint };
}

// ---- staff views of the table ----------------------------------------------------------------------------------

/** Which staff screen a session is checked for. */
export type StaffArea = 'tech' | 'hall';

/** A staff role may open the screen's namespace. */
export function staffMayView(area: StaffArea, role: StaffRole): boolean {
  return CONNECT_RULES[`/${area}`].includes(role);
}

/** A staff role may run device actions there (the console enables its action buttons on this). */
export function staffMayAct(area: StaffArea, role: StaffRole): boolean {
  return Object.values(DEVICE_ACTION_RULES[`/${area}`]).some((roles) => roles.includes(role));
}
