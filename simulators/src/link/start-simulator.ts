/** Put one device behind one link and start it: the one-liner tests, the hub and the CLI use. */
import type { SimDevice } from '../core/device.ts';
import { PtyLink } from './pty-link.ts';
import { TcpLink } from './tcp-link.ts';
import type { LinkKind, SimLink } from './types.ts';

export interface StartSimulatorOptions {
  link: LinkKind;
  baud: number;
  /** PTY: full symlink path (default `<dir>/<device id>`). */
  path?: string;
  /** PTY: directory for the symlink (default /tmp/onedoor). */
  dir?: string;
  /** TCP: port (default 0 = pick a free one). */
  port?: number;
  /** TCP: interface to listen on (default 127.0.0.1). */
  host?: string;
}

export interface RunningSimulator<D extends SimDevice = SimDevice> {
  device: D;
  link: SimLink;
  /** PTY symlink path a host opens (PTY links). */
  path?: string;
  /** TCP port a host connects to (TCP links). */
  port?: number;
  /** Close the link, then the device. */
  close(): Promise<void>;
}

export function createLink(device: SimDevice, opts: StartSimulatorOptions): SimLink {
  if (opts.link === 'pty') return new PtyLink(device, { baud: opts.baud, path: opts.path, dir: opts.dir });
  if (opts.link === 'tcp') return new TcpLink(device, { baud: opts.baud, port: opts.port, host: opts.host });
  throw new Error(`link must be 'pty' or 'tcp', got ${JSON.stringify(opts.link)}`);
}

export async function startSimulator<D extends SimDevice>(
  device: D,
  opts: StartSimulatorOptions,
): Promise<RunningSimulator<D>> {
  const link = createLink(device, opts);
  try {
    await link.start();
  } catch (err) {
    await link.close();
    throw err;
  }
  let closed = false;
  return {
    device,
    link,
    path: link.kind === 'pty' ? link.address : undefined,
    port: link.kind === 'tcp' ? (link as TcpLink).port : undefined,
    async close() {
      if (closed) return;
      closed = true;
      await link.close();
      device.close();
    },
  };
}
