/** The citizen's certificates by name and kind; copies are printed only at a kiosk or a counter. */
import type { PhoneCertificate } from '@onedoor/protocol';
import { MeSection } from './MeSection.tsx';
import { useMe } from './useMe.ts';

const STATE: Record<PhoneCertificate['state'], string> = { valid: '有效', expiring: '即将到期', expired: '已过期', revoked: '已注销' };

export function MyCertificates({ onEnded }: { onEnded: () => void }) {
  const [view] = useMe<PhoneCertificate[]>('/api/m/me/certificates', onEnded);
  return (
    <MeSection title="我的证照" view={view} testid="me-certificates">
      {(list) => (
        <>
          {list.length === 0 ? <p>没有证照</p> : (
            <ul class="m-list">
              {list.map((c, i) => (
                <li key={i} class="m-row" data-testid="me-certificate"><b>{c.typeName}</b><br />{c.issuerName} · {STATE[c.state]}</li>
              ))}
            </ul>
          )}
          <p class="m-small">证照打印请到自助终端或窗口</p>
        </>
      )}
    </MeSection>
  );
}
