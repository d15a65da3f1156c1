/**
 * Hands counter bus events on to whoever serves the hall (counter events go to the hall services;
 * README "For the hall: counter terminals and the hall display"). The driver layer does not know
 * the API; the composition root wires it, e.g. to the `/hall` namespace:
 *
 * ```ts
 * forwardCounterBusEvents(devices.list(), {
 *   counterEvent: (e) => socket.namespaces.hall.emit('counterEvent', e),
 *   counterOverflow: (e) => socket.namespaces.hall.emit('counterOverflow', e),
 * });
 * ```
 */
import type { CounterOverflowEvent, CounterTerminalEvent } from '@onedoor/protocol';
import type { DeviceDriver } from '../driver.ts';
import { CounterBusDriver } from './driver.ts';

export interface CounterBusSink {
  counterEvent(event: CounterTerminalEvent): void;
  counterOverflow(event: CounterOverflowEvent): void;
}

/** Forwards the events of every counter bus driver among `drivers` to `sink`; returns a function that stops it. */
export function forwardCounterBusEvents(drivers: Iterable<DeviceDriver>, sink: CounterBusSink): () => void {
  const offs: Array<() => void> = [];
  for (const d of drivers) {
    if (!(d instanceof CounterBusDriver)) continue;
    const onEvent = (e: CounterTerminalEvent) => sink.counterEvent(e);
    const onOverflow = (e: CounterOverflowEvent) => sink.counterOverflow(e);
    d.bus.on('counterEvent', onEvent);
    d.bus.on('counterOverflow', onOverflow);
    offs.push(() => {
      d.bus.off('counterEvent', onEvent);
      d.bus.off('counterOverflow', onOverflow);
    });
  }
  return () => {
    for (const off of offs.splice(0)) off();
  };
}
