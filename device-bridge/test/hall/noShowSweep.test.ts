// The kiosk's hall (api/kioskHall.ts) applies hall-rules.md "Three no-shows in 30 days" on its own: past
// appointments still booked are swept into no-shows when the bridge opens its hall, so the lockout takes effect
// without anyone calling AppointmentService.markNoShows by hand.
import { afterEach, describe, expect, it } from 'vitest';
import { openKioskHall } from '../../src/api/kioskHall.ts';
import { AppointmentService } from '../../src/hall/appointments.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { QueueService } from '../../src/hall/queue.ts';
import { silentLogger } from '../../src/log.ts';
import { SERVICE_A, libraryHolder, hallFixtureOn, STORE_BACKENDS, type HallFixture } from './fixture.ts';

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);

  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());

  it('opening the kiosk hall marks missed appointments as no-shows, and three of them lock booking', async () => {
    fx = await openHallFixture('2026-11-25', '10:00');
    const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
    const appts = new AppointmentService(fx.store, new QueueService(fx.store, fx.clock), fx.clock);
    for (const day of ['2026-11-26', '2026-11-27', '2026-11-30']) {
      const slot = (await appts.slots(SERVICE_A, day)).find((s) => s.start === '09:00')!;
      await appts.book(zhang, slot.id);
    }
    fx.clock.set('2026-12-01', '08:00');
    expect(await appts.lockoutUntil(zhang)).toBeNull();

    const hall = await openKioskHall(fx.dir, silentLogger(), { clock: fx.clock, store: fx.store });
    try {
      expect(await appts.lockoutUntil(zhang)).toBe('2026-12-30');
      expect(await appts.markNoShows()).toBe(0); // already swept
    } finally {
      await hall.close();
    }
  });
});
