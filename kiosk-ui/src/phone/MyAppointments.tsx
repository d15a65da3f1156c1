/**
 * The citizen's appointments: the list with 取消预约, and booking a slot (day, service, time) through the same hall
 * service as the kiosk, so the kiosk's check-in and the counter find it. The appointment code for the kiosk's scanner
 * is on the slip printed at a kiosk; here, the day and time to come.
 */
import { useState } from 'preact/hooks';
import type { KioskAppointment, PhoneAppointments, PhoneSlot } from '@onedoor/protocol';
import { me } from './phoneSession.ts';
import { MeSection } from './MeSection.tsx';
import { useMe } from './useMe.ts';
import { QrSvg } from './QrSvg.tsx';

const STATUS: Record<KioskAppointment['status'], string> = {
  booked: '已预约', checkedIn: '已签到', late: '已迟到', canceled: '已取消', noShow: '未到',
};

function Booking({ data, onDone }: { data: PhoneAppointments; onDone: (words: string) => void }) {
  const [serviceId, setService] = useState(data.services[0]?.id ?? '');
  const [date, setDate] = useState(data.days[0] ?? '');
  const [slots, setSlots] = useState<PhoneSlot[] | null>(null);
  const [busy, setBusy] = useState(false);
  const look = async () => {
    setBusy(true);
    const a = await me<PhoneSlot[]>(`/api/m/me/slots?serviceId=${encodeURIComponent(serviceId)}&date=${date}`);
    setBusy(false);
    setSlots(a.ok ? a.body : []);
  };
  const book = async (slot: string) => {
    setBusy(true);
    const a = await me<KioskAppointment>('/api/m/me/appointments', { serviceId, date, slot });
    setBusy(false);
    onDone(a.ok ? `预约成功：${a.body.serviceName} ${a.body.day} ${a.body.start}` : a.refusal.zh);
  };
  return (
    <form class="m-form" data-testid="me-book" onSubmit={(e) => { e.preventDefault(); void look(); }}>
      <label>办理事项
        <select value={serviceId} onChange={(e) => { setService(e.currentTarget.value); setSlots(null); }} data-testid="me-book-service">
          {data.services.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
      </label>
      <label>日期
        <select value={date} onChange={(e) => { setDate(e.currentTarget.value); setSlots(null); }} data-testid="me-book-day">
          {data.days.map((d) => <option key={d} value={d}>{d}</option>)}
        </select>
      </label>
      <button class="m-btn" type="submit" disabled={busy} data-testid="me-book-look">查看可预约时段</button>
      {slots && (slots.length === 0 ? <p>这一天没有可预约的时段</p> : (
        <div class="m-slots">
          {slots.map((s) => (
            <button key={s.start} type="button" class="m-btn m-slot" disabled={busy || s.remaining === 0} data-testid="me-book-slot"
              onClick={() => void book(s.start)}>
              {s.start}–{s.end}<br /><small>{s.remaining > 0 ? `余 ${s.remaining}` : '已满'}</small>
            </button>
          ))}
        </div>
      ))}
    </form>
  );
}

/** The appointment's check-in code, shown on a tap: held to a kiosk's scanner on the day, it checks in. */
function CheckInCode({ code }: { code: PhoneAppointments['checkInCodes'][number] | undefined }) {
  const [open, setOpen] = useState(false);
  if (!code) return null;
  if (!open) return <button type="button" class="m-btn m-btn-quiet" data-testid="me-appointment-code-show" onClick={() => setOpen(true)}>出示签到码</button>;
  return (
    <>
      <QrSvg rows={code.qr.rows} size={code.qr.size} label="签到码" testid="me-appointment-code" />
      <p class="m-small">预约当天在自助终端扫码口出示，即可签到取号</p>
    </>
  );
}

export function MyAppointments({ onEnded }: { onEnded: () => void }) {
  const [view, reload] = useMe<PhoneAppointments>('/api/m/me/appointments', onEnded);
  const [note, setNote] = useState<string | null>(null);
  const done = (words: string) => {
    setNote(words);
    reload();
  };
  const cancel = async (id: number) => {
    const a = await me<KioskAppointment>(`/api/m/me/appointments/${id}/cancel`, {});
    done(a.ok ? '已取消预约' : a.refusal.zh);
  };
  return (
    <MeSection title="我的预约" view={view} testid="me-appointments">
      {(data) => (
        <>
          {note && <p class="m-note-line" role="status" data-testid="me-appointment-note">{note}</p>}
          {data.appointments.length === 0 ? <p>没有预约</p> : (
            <ul class="m-list">
              {data.appointments.map((a) => (
                <li key={a.id} class="m-row" data-testid="me-appointment">
                  <b>{a.serviceName}</b><br />{a.day} {a.start}–{a.end} · {STATUS[a.status]}
                  <CheckInCode code={data.checkInCodes.find((c) => c.id === a.id)} />
                  {a.canCancel && <button type="button" class="m-btn m-btn-quiet" data-testid="me-appointment-cancel" onClick={() => void cancel(a.id)}>取消预约</button>}
                </li>
              ))}
            </ul>
          )}
          <h3 class="m-h3">新的预约</h3>
          <Booking data={data} onDone={done} />
        </>
      )}
    </MeSection>
  );
}
