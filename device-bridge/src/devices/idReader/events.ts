/**
 * The reader driver's events, typed on the bridge's `DeviceDriverEventMap` by declaration merging (so any
 * `DeviceDriver` listener sees them typed), and the one function that turns a readout into what `/kiosk` may carry.
 */
import type { CardErrorEvent, CardHolderView, CardReadEvent, CardRemovedEvent, Holder, HolderValidation } from '@onedoor/protocol';
import type { DeviceDriver } from '../driver.ts';

/** One good read. */
export interface IdCardReadout {
  deviceId: string;
  /**
   * The FULL holder, including the whole ID number: bridge-internal only (hall/session.ts holds it
   * in memory). Never log it (use `holderLogView`), never send it (use `view` / `toCardReadEvent`).
   * The photo is not here.
   */
  holder: Holder;
  /** Number check, birth date against the number, expiry (hall-rules.md "One authentication"). */
  validation: HolderValidation;
  /** The masked view with the verdict: what may leave the bridge. */
  view: CardHolderView;
  /** Epoch ms when the read was parsed. */
  at: number;
}

declare module '../driver.ts' {
  interface DeviceDriverEventMap {
    /** ID readers: a card was read (once per placement). Carries the full holder: see `IdCardReadout`. */
    cardRead: [readout: IdCardReadout];
    /** ID readers: a card could not be read; the citizen is asked to place it again (or told why not). */
    cardError: [event: CardErrorEvent];
    /** ID readers: the card read last was taken off the reader. */
    cardRemoved: [event: CardRemovedEvent];
  }
}

/** The `/kiosk` `cardRead` payload: the masked view only (never the full holder, never the photo). */
export function toCardReadEvent(readout: IdCardReadout): CardReadEvent {
  return { deviceId: readout.deviceId, holder: readout.view, at: readout.at };
}

/** Where the API sends card events (e.g. the `/kiosk` and `/tech` namespaces). */
export interface CardEventSink {
  cardRead(event: CardReadEvent): void;
  cardError(event: CardErrorEvent): void;
  cardRemoved?(event: CardRemovedEvent): void;
}

/**
 * Forwards every driver's card events to `sink`, masked (`toCardReadEvent`): the API layer's hook, so that no
 * socket code ever sees the full holder. Drivers that never emit card events (printer, counter bus) cost nothing.
 * Returns the function that stops forwarding.
 */
export function forwardCardEvents(drivers: Iterable<DeviceDriver>, sink: CardEventSink): () => void {
  const offs: Array<() => void> = [];
  for (const d of drivers) {
    const onRead = (r: IdCardReadout) => sink.cardRead(toCardReadEvent(r));
    const onError = (e: CardErrorEvent) => sink.cardError(e);
    const onRemoved = (e: CardRemovedEvent) => sink.cardRemoved?.(e);
    d.on('cardRead', onRead);
    d.on('cardError', onError);
    d.on('cardRemoved', onRemoved);
    offs.push(() => {
      d.off('cardRead', onRead);
      d.off('cardError', onError);
      d.off('cardRemoved', onRemoved);
    });
  }
  return () => {
    for (const off of offs.splice(0)) off();
  };
}
