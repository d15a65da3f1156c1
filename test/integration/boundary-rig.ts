/**
 * A whole hall bridge for the boundary tests (fuzz and roles matrix): startBridge with staff users, both machine
 * tokens, a linked kiosk's token (so /kiosklink exists), the printer simulator on a real PTY, and an ID reader and a
 * counter bus configured but not driven (their actions reach the device layer and answer deviceNotReady, which is
 * "allowed through"). The bridge's log lines are captured (to check what reaches the log).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { io as connect, type Socket } from 'socket.io-client';
import { DEMO_PASSWORDS, DEMO_USERS } from '../../device-bridge/src/auth/demoUsers.ts';
import { createLogger } from '../../device-bridge/src/log.ts';
import { startBridge, type BridgeHandle } from '../../device-bridge/src/main.ts';
import { startPrinterSim, until } from '../../device-bridge/test/printer/rig.ts';

export const TOKENS = { tech: 'boundary-tech-token-0123456789', hall: 'boundary-hall-token-0123456789', kiosk: 'boundary-kiosk-token-0123456789' };

/** Who a test connects as; `kioskScreen` and `linkedKiosk` exist on their own namespaces only. */
export type Credential = 'anyone' | 'technician' | 'manager' | 'district' | 'techToken' | 'hallToken' | 'kioskScreen' | 'linkedKiosk';

export interface BoundaryRig {
  bridge: BridgeHandle;
  /** Raw log lines the bridge wrote. */
  logLines: string[];
  cookies: { technician: string; manager: string; district: string };
  /** Headers for a REST call as `who`. */
  headers(who: Credential): Record<string, string>;
  /** A connected socket (or the connect error's message) on `nsp` as `who`. */
  open(nsp: string, who: Credential): Promise<Socket | string>;
  health(): Promise<number>;
  close(): Promise<void>;
}

export async function startBoundaryRig(): Promise<BoundaryRig> {
  const dir = mkdtempSync(join(tmpdir(), 'od-boundary-'));
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    while (cleanups.length) await cleanups.pop()!();
  };
  try {
    const sim = await startPrinterSim(dir);
    cleanups.push(() => sim.close());
    mkdirSync(join(dir, 'ui'), { recursive: true });
    writeFileSync(join(dir, 'ui/index.html'), '<!doctype html><title>OneDoor</title>');
    const logLines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l) logLines.push(l);
        done();
      },
    });
    const bridge = await startBridge(
      {
        http: { host: '127.0.0.1', port: 0 },
        dataDir: join(dir, 'data'),
        uiDir: join(dir, 'ui'),
        users: [...DEMO_USERS],
        tokens: { tech: TOKENS.tech, hall: TOKENS.hall },
        kiosks: [{ id: 'kiosk-2', token: TOKENS.kiosk, name: 'Kiosk 2' }],
        devices: [
          { id: 'printer', kind: 'printer', path: sim.path!, options: { pollIntervalMs: 500 } },
          { id: 'reader', kind: 'idreader', path: '/dev/null', enabled: false },
          { id: 'counters', kind: 'counterbus', path: '/dev/null', enabled: false, options: { units: [1] } },
        ],
        options: { reconnect: { minDelayMs: 20, maxDelayMs: 300 } },
      },
      { log: createLogger({ level: 'info', destination }) },
    );
    cleanups.push(() => bridge.close());
    await until('printer online', () => bridge.devices.get('printer')?.status().state === 'online');

    const login = async (name: 'tech' | 'manager' | 'district') => {
      const r = await fetch(`${bridge.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password: DEMO_PASSWORDS[name] }),
      });
      if (r.status !== 200) throw new Error(`login ${name}: ${r.status}`);
      return (r.headers.get('set-cookie') ?? '').split(';')[0];
    };
    const cookies = { technician: await login('tech'), manager: await login('manager'), district: await login('district') };

    const headers = (who: Credential): Record<string, string> => {
      switch (who) {
        case 'technician':
        case 'manager':
        case 'district':
          return { cookie: cookies[who] };
        case 'techToken':
          return { authorization: `Bearer ${TOKENS.tech}` };
        case 'hallToken':
          return { authorization: `Bearer ${TOKENS.hall}` };
        default:
          return {};
      }
    };
    const authOf = (who: Credential): Record<string, string> | undefined => {
      if (who === 'techToken') return { token: TOKENS.tech };
      if (who === 'hallToken') return { token: TOKENS.hall };
      if (who === 'linkedKiosk') return { token: TOKENS.kiosk };
      // The kiosk's own screen: the per-boot screen secret the kiosk page carries (api/kioskScreen.ts).
      if (who === 'kioskScreen') return { screenSecret: bridge.kioskScreenSecret, screenId: `boundary-rig-${process.pid}` };
      return undefined;
    };
    const open = (nsp: string, who: Credential) =>
      new Promise<Socket | string>((resolve) => {
        const h = headers(who);
        const s = connect(bridge.url + nsp, {
          transports: ['websocket'],
          reconnection: false,
          // Its own connection: a shared one would carry the first socket's headers (cookie) for every namespace.
          forceNew: true,
          auth: authOf(who),
          extraHeaders: h.cookie ? { Cookie: h.cookie } : undefined,
        });
        cleanups.push(() => void s.disconnect());
        s.once('connect', () => resolve(s));
        s.once('connect_error', (e) => resolve(e.message));
      });
    const health = async () => (await fetch(`${bridge.url}/api/health`)).status;
    return { bridge, logLines, cookies, headers, open, health, close };
  } catch (err) {
    await close();
    throw err;
  }
}
