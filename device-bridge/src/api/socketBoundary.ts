/**
 * The socket.io side of the boundary, installed once on the server for EVERY namespace (present and future):
 *
 * 1. Each incoming event goes through one packet middleware: the event must have a row in the roles table
 *    (auth/accessTable.ts) and the caller one of its roles (`checkEvent`, the same checker REST uses); a command
 *    must come with its acknowledgement; the payload must have a sane shape (depth, no prototype keys) and pass
 *    the event's zod schema (eventSchemas.ts), which replaces it with the parsed copy. Anything else is answered
 *    through the ack (`invalidRequest` + message) and logged, and no handler runs.
 * 2. Every listener registered on a socket of these namespaces (`socket.on`, `socket.once`) is wrapped, so one
 *    that throws or rejects answers `hardwareError` "internal error" to its caller (when it has an ack), is logged
 *    at error level, and never ends the process (issue "Trust at every boundary": one malformed message must not
 *    stop the hall).
 */
import { COMMAND_LIMITS } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { Namespace, Server, Socket } from 'socket.io';
import { checkEvent, eventRuleFor } from '../auth/accessTable.ts';
import type { StaffAuth } from '../auth/staffAuth.ts';
import { describeLinkInvalid } from '../hallLink/linkSchemas.ts';
import { eventSchemaFor, payloadShapeProblem } from './eventSchemas.ts';
import { socketCaller } from './principal.ts';
import { describeInvalid } from './validation.ts';

/** The largest socket.io message accepted (bytes): a command is a few hundred; a raw print job for /tech fits. */
export const SOCKET_MAX_MESSAGE_BYTES = 256 * 1024;

export type Ack = (answer: unknown) => void;

/**
 * How a namespace answers a message the boundary refused, in its own contract's shapes (the kiosk link: a hello's
 * `{ error }`, a request's failed answer, `linkError` when there is no ack), counting and logging it as it does
 * every refusal. Without one, the boundary answers through the ack (`errorAnswer`) and logs.
 */
export type BoundaryRefusal = (socket: Socket, event: string, payload: unknown, ack: Ack | null, message: string) => void;
const refusers = new WeakMap<Namespace, BoundaryRefusal>();

/** Lets `nsp` answer the boundary's refusals itself (see BoundaryRefusal). */
export function answerRefusalsWith(nsp: Namespace, refuse: BoundaryRefusal): void {
  refusers.set(nsp, refuse);
}

/** The requestId of a payload, when it is a usable one (bounded: it goes back to the caller and into the log). */
export function requestIdOf(payload: unknown): string {
  const id = (payload as { requestId?: unknown } | null | undefined)?.requestId;
  return typeof id === 'string' && id.length <= COMMAND_LIMITS.requestIdMaxLength ? id : '';
}

/** An error answer in the shape the namespace's acks have: a hall link answer on /kiosklink, a Completion elsewhere. */
export function errorAnswer(nsp: string, requestId: string, code: 'invalidRequest' | 'hardwareError', message: string): unknown {
  if (nsp === '/kiosklink') return { requestId, ok: false, failure: { kind: 'invalid', message } };
  return { requestId, code, message };
}

function splitArgs(args: unknown[]): { payload: unknown; ack: Ack | null } {
  const last = args[args.length - 1];
  const ack = args.length > 0 && typeof last === 'function' ? (last as Ack) : null;
  return { payload: ack && args.length === 1 ? undefined : args[0], ack };
}

export interface SocketBoundaryOptions {
  log: Logger;
  staff?: StaffAuth;
}

/** The check of one incoming event (exported for the validation bench): null to go on, else the refusal message. */
export function admitEvent(nsp: string, socket: Pick<Socket, 'data'>, packet: unknown[], staff: StaffAuth | undefined):
  { refused: string; ended?: boolean } | null {
  const event = String(packet[0]);
  const rule = eventRuleFor(nsp, event);
  if (!rule) return { refused: `event "${event.slice(0, 64)}" is not accepted on ${nsp}` };
  const caller = socketCaller(nsp, socket, staff);
  if ('ended' in caller) return { refused: caller.ended, ended: true };
  const verdict = checkEvent(nsp, event, caller);
  if (!verdict.ok) return { refused: verdict.message };
  const { payload, ack } = splitArgs(packet.slice(1));
  if (rule.ack === 'required' && !ack) return { refused: `"${event}" needs an acknowledgement callback` };
  if (rule.ack === 'none' && ack) return { refused: `"${event}" takes no acknowledgement` };
  const shape = payloadShapeProblem(payload);
  if (shape) return { refused: shape };
  const schema = eventSchemaFor(nsp, event);
  // Fail closed: an event with roles but without a schema is refused rather than passed on unchecked.
  if (!schema) return { refused: `event "${event}" on ${nsp} has no schema` };
  const parsed = schema.safeParse(payload);
  // The link's one-line, capped description: a link refusal goes back to the kiosk in linkError (bounded text).
  if (!parsed.success) return { refused: nsp === '/kiosklink' ? describeLinkInvalid(parsed.error) : describeInvalid(parsed.error) };
  if (payload !== undefined) packet[1] = parsed.data;
  return null;
}

function guardListeners(socket: Socket, nsp: string, log: Logger): void {
  const wrap = (event: string, listener: (...args: unknown[]) => unknown) =>
    function guarded(this: unknown, ...args: unknown[]) {
      const fail = (err: unknown) => {
        log.error({ err, nsp, event }, 'socket handler failed');
        const { payload, ack } = splitArgs(args);
        // A socket.io ack answers at most once: a handler that already answered keeps its answer.
        ack?.(errorAnswer(nsp, requestIdOf(payload), 'hardwareError', 'internal error'));
      };
      try {
        const r = listener.apply(this, args);
        if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(undefined, fail);
      } catch (err) {
        fail(err);
      }
    };
  const s = socket as unknown as Record<'on' | 'once', (event: string, listener: (...args: unknown[]) => unknown) => Socket>;
  const on = s.on.bind(socket);
  const once = s.once.bind(socket);
  s.on = (event, listener) => on(event, wrap(event, listener));
  s.once = (event, listener) => once(event, wrap(event, listener));
}

function installOn(nsp: Namespace, opts: SocketBoundaryOptions): void {
  const name = nsp.name;
  const log = opts.log.child({ nsp: name.replace(/^\//, '') });
  // First middleware of the namespace: runs before its handshake checks and before any 'connection' listener.
  nsp.use((socket, next) => {
    guardListeners(socket, name, log);
    socket.use((packet, go) => {
      let verdict: ReturnType<typeof admitEvent>;
      try {
        verdict = admitEvent(name, socket, packet as unknown[], opts.staff);
      } catch (err) {
        log.error({ err }, 'boundary check failed');
        verdict = { refused: 'internal error' };
      }
      if (!verdict) {
        go();
        return;
      }
      const { payload, ack } = splitArgs((packet as unknown[]).slice(1));
      const event = String(packet[0]);
      const own = refusers.get(socket.nsp);
      let answered = false;
      if (own) {
        try {
          own(socket, event, payload, ack, verdict.refused);
          answered = true;
        } catch (err) {
          log.error({ err, event: event.slice(0, 64) }, 'namespace refusal failed');
        }
      }
      if (!answered) {
        log.warn({ event: event.slice(0, 64), peer: socket.handshake.address, reason: verdict.refused }, 'socket event refused');
        ack?.(errorAnswer(name, requestIdOf(payload), 'invalidRequest', verdict.refused));
      }
      // Answer first, then drop the socket: the UI shows the login again.
      if (verdict.ended) setTimeout(() => socket.disconnect(true), 0);
    });
    next();
  });
}

/** Installs the boundary on every namespace the server has or will have. Call right after creating the server. */
export function installSocketBoundary(io: Server, opts: SocketBoundaryOptions): void {
  for (const nsp of (io as unknown as { _nsps: Map<string, Namespace> })._nsps.values()) installOn(nsp, opts);
  io.on('new_namespace', (nsp: Namespace) => installOn(nsp, opts));
}
