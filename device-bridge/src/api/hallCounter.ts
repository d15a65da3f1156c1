/**
 * Wires the counter workflow (hall/counterWorkflow.ts) into the bridge (README "For the hall:
 * counter terminals and the hall display"): key presses and ratings of every counter bus driver go
 * to the workflow (each event once, in FIFO order per terminal, as the driver delivers them), a
 * terminal that answers again gets its window's state shown, and the workflow's calls and window
 * changes go to `/hall` (`call`, `windowState`) and to the hall display (`/display`,
 * displaySocket.ts).
 *
 * Windows: `StartBridgeOptions.counterWorkflow`, else the config's `counterWorkflow`, else by default every terminal of every counter bus in config
 * order is a window serving every category (window n = n-th terminal; counterConfig.ts `defaultCounterWindows`).
 */
import type { CounterTerminalEvent, CounterTerminalStatus, HallServerToClientEvents, HallClientToServerEvents } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import type { BridgeConfig } from '../config/index.ts';
import { CounterBusDriver, parseCounterBusOptions } from '../devices/counterBus/index.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import {
  counterWindowProblems, defaultCounterWindows, parseCounterWorkflowConfig, type CounterBusLine, type CounterWorkflowConfig, type CounterWorkflowConfigInput,
} from '../hall/counterConfig.ts';
import { CounterWorkflow } from '../hall/counterWorkflow.ts';
import type { KioskHall } from './kioskHall.ts';

export interface HallCounterOptions {
  config: BridgeConfig;
  devices: DeviceSet;
  hall: Pick<KioskHall, 'store' | 'clock'>;
  hallNamespace: Namespace<HallClientToServerEvents, HallServerToClientEvents>;
  log: Logger;
  /** From `resolveCounterWorkflowConfig`. */
  workflow: CounterWorkflowConfig;
}

export interface HallCounter {
  workflow: CounterWorkflow;
  detach(): void;
}

/** The counter buses of the config with their units (as their drivers parse them). */
export function configuredBuses(config: Pick<BridgeConfig, 'devices'>): CounterBusLine[] {
  return config.devices
    .filter((d) => d.kind === 'counterbus' && d.enabled)
    .map((d) => ({ deviceId: d.id, units: parseCounterBusOptions(d.id, d.options).units }));
}

/**
 * The workflow configuration the bridge runs with: `input` (start options or the config's `counterWorkflow`), windows
 * defaulting to every counter terminal. Throws naming the window when one names no polled terminal; called before
 * anything is opened, so a bad config stops the start cleanly.
 */
export function resolveCounterWorkflowConfig(config: BridgeConfig, input: CounterWorkflowConfigInput | undefined): CounterWorkflowConfig {
  const given = input ?? config.counterWorkflow ?? {};
  const buses = configuredBuses(config);
  const resolved = parseCounterWorkflowConfig({ ...given, windows: given.windows ?? defaultCounterWindows(buses) });
  const problems = counterWindowProblems(resolved.windows, buses);
  if (problems.length > 0) throw new Error(`bad counter workflow config: ${problems.map((p) => `counterWorkflow.windows.${p.index}.${p.field}: ${p.message}`).join('; ')}`);
  return resolved;
}

/**
 * The workflow with the windows of the loaded catalogue (README "Loading the catalogue"; used when neither the start
 * options nor the config set windows). A window naming a terminal no counter bus polls stops the start, naming the
 * catalogue as where to fix it.
 */
export function resolveCatalogueWindows(config: BridgeConfig, input: CounterWorkflowConfigInput | undefined,
  windows: ReadonlyArray<{ window: number; deviceId: string; unit: number; categories: string[] }>): CounterWorkflowConfig {
  try {
    return resolveCounterWorkflowConfig(config, { ...(input ?? config.counterWorkflow ?? {}), windows: windows.map(({ window, deviceId, unit, categories }) => ({ window, deviceId, unit, categories })) });
  } catch (err) {
    throw new Error(`the catalogue's windows do not fit this config (load a corrected windows file, or set counterWorkflow.windows): ${(err as Error).message}`);
  }
}

export function attachHallCounter(o: HallCounterOptions): HallCounter {
  const config = o.workflow;
  const busOf = (id: string) => {
    const d = o.devices.get(id);
    return d instanceof CounterBusDriver ? d : undefined;
  };
  const workflow = new CounterWorkflow({ store: o.hall.store, clock: o.hall.clock, config, terminals: busOf, log: o.log });

  const offs: Array<() => void> = [];
  for (const d of o.devices.list()) {
    if (!(d instanceof CounterBusDriver)) continue;
    const onEvent = (e: CounterTerminalEvent) => void workflow.receive(e);
    const onTerminal = (t: CounterTerminalStatus) => {
      if (t.state === 'online') workflow.terminalOnline(d.id, t.unit);
    };
    d.bus.on('counterEvent', onEvent);
    d.bus.on('terminal', onTerminal);
    offs.push(() => {
      d.bus.off('counterEvent', onEvent);
      d.bus.off('terminal', onTerminal);
    });
  }
  workflow.events.on('call', (c) => o.hallNamespace.emit('call', c));
  workflow.events.on('window', (w) => o.hallNamespace.emit('windowState', w));
  o.log.info({ windows: config.windows.map((w) => `${w.window}=${w.deviceId}/${w.unit}${w.categories.length ? ':' + w.categories.join('') : ''}`) }, 'counter workflow windows');
  return {
    workflow,
    detach: () => {
      for (const off of offs.splice(0)) off();
      workflow.close();
    },
  };
}
