/** Application progress as the kiosk's progress screen shows it: applications, and kiosk applications awaiting 预审. */
import type { PhoneProgress } from '@onedoor/protocol';
import { MeSection } from './MeSection.tsx';
import { useMe } from './useMe.ts';

export function MyProgress({ onEnded }: { onEnded: () => void }) {
  const [view] = useMe<PhoneProgress>('/api/m/me/progress', onEnded);
  return (
    <MeSection title="办件进度" view={view} testid="me-progress">
      {(p) => (
        <>
          {p.notices.length > 0 && (
            <ul class="m-list m-notices" data-testid="me-notices">
              {p.notices.map((n) => (
                <li key={n.id} class="m-row m-note-line" data-testid="me-notice" data-outcome={n.outcome}>
                  <b>{n.text}</b><br />{n.createdAtText}
                </li>
              ))}
            </ul>
          )}
          {p.applications.length === 0 && p.kioskApplications.length === 0 && <p>没有办理中的事项</p>}
          <ul class="m-list">
            {p.applications.map((a) => (
              <li key={a.serial} class="m-row" data-testid="me-application">
                <b>{a.serviceName}</b><br />当前环节：{a.statusName} · 办结期限 {a.timeLimit.dueDay}
              </li>
            ))}
            {p.kioskApplications.map((a) => (
              <li key={a.serial} class="m-row" data-testid="me-intake">
                <b>{a.serviceName}</b><br />{a.stateName} · {a.submittedAtText}
                {a.reason && <><br />原因：{a.reason}</>}
                <br />下一步：{a.nextStep}
              </li>
            ))}
          </ul>
        </>
      )}
    </MeSection>
  );
}
