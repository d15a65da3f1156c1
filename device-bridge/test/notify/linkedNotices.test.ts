/**
 * Result notices for a kiosk linked to the hall (README "Several kiosks, one hall", "Result notices (结果反馈)"): the
 * linked kiosk's hall functions ask the hall for the citizen's unread notices and acknowledge them over the link's
 * request handler (hallLink/hallRequests.ts) on a real hall database, both stores; the answers carry no ID number.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KioskLinkOp } from '@onedoor/protocol';
import { openKioskHall, type KioskHall } from '../../src/api/kioskHall.ts';
import { ApplicationService } from '../../src/hall/applications.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { HallLinkAnswerError } from '../../src/hallLink/hallLinkClient.ts';
import { hallRequestHandler } from '../../src/hallLink/hallRequests.ts';
import { linkedKioskHall } from '../../src/hallLink/linkedKioskHall.ts';
import { silentLogger } from '../../src/index.ts';
import { libraryHolder, SERVICE_A, seedBasics, STORE_BACKENDS } from '../hall/fixture.ts';
import type { StoreTarget } from '../store/backends.ts';

describe.each(STORE_BACKENDS)('result notices over the kiosk link on $name', (backend) => {
  let target: StoreTarget;
  let hall: KioskHall;
  const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));

  beforeEach(async () => {
    target = await backend.create();
    hall = await openKioskHall(target.dir, silentLogger(), { store: () => target.open(), demo: (store) => seedBasics(store) });
  });
  afterEach(async () => {
    await hall.close();
    await target.destroy();
  });

  it('the linked kiosk lists the unread notice and acknowledges it; another citizen\'s ids change nothing', async () => {
    const apps = new ApplicationService(hall.store!, hall.clock);
    const a = await apps.submit(zhang, SERVICE_A);
    await apps.advance(a.serial, 'rejected', '不属于本部门职权范围');
    const handle = hallRequestHandler({ hall });
    let n = 0;
    const link = {
      request: async (op: KioskLinkOp, citizen: { number: string; name: string; birthDate: string; validUntil?: string } | null, args: unknown[]) => {
        const answer = await handle('kiosk-9', { requestId: `r${++n}`, op, args,
          ...(citizen ? { citizen: { number: citizen.number, name: citizen.name, birthDate: citizen.birthDate, validUntil: citizen.validUntil ?? '长期' } } : {}) });
        if (!answer.ok) throw new HallLinkAnswerError(answer);
        return answer.result;
      },
    };
    const kiosk = linkedKioskHall(link, target.dir, silentLogger(), { clock: hall.clock });
    try {
      const unread = await kiosk.notices!.unreadOf(zhang);
      expect(unread.map((x) => [x.serial, x.text])).toEqual([[a.serial, '您申请的《测试事项甲》不予受理：不属于本部门职权范围']]);
      expect(JSON.stringify(unread)).not.toContain(zhang.number);
      const wei = citizenFromHolder(libraryHolder('wei-xiulan'));
      expect(await kiosk.notices!.acknowledge(wei, [unread[0].id])).toEqual({ marked: 0 });
      expect(await kiosk.notices!.acknowledge(zhang, [unread[0].id])).toEqual({ marked: 1 });
      expect(await kiosk.notices!.unreadOf(zhang)).toEqual([]);
    } finally {
      await kiosk.close();
    }
  });
});
