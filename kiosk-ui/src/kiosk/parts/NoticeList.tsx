import type { CitizenNotice } from '../deviceNotices.ts';
import { useText } from '../KioskContext.ts';

/**
 * Device and link notices. Each carries a symbol and words, so colour is never the only cue (hall-rules.md); the
 * region is polite-live so screen readers announce changes.
 */
export function NoticeList({ notices }: { notices: CitizenNotice[] }) {
  const t = useText();
  return (
    <div class="notices" role="status" aria-live="polite" data-testid="notices">
      {notices.map((n) => (
        <p key={n.id} class={`notice notice-${n.level}`} data-notice={n.id}>
          <span class="notice-symbol" aria-hidden="true">
            {n.level === 'stop' ? '⚠' : 'ⓘ'}
          </span>
          <span>{t(n.text)}</span>
        </p>
      ))}
    </div>
  );
}
