/** Taking the kiosk's hand-off (`#h=`): once, within 2 minutes; a refusal says why and what to do. */
import { useEffect, useState } from 'preact/hooks';
import type { PhoneRefusal } from '@onedoor/protocol';
import { signIn } from './phoneSession.ts';

export function SignInPage({ handoff, onSignedIn }: { handoff: string; onSignedIn: () => void }) {
  const [refusal, setRefusal] = useState<PhoneRefusal | null>(null);
  useEffect(() => {
    void signIn(handoff).then((a) => (a.ok ? onSignedIn() : setRefusal(a.refusal)));
  }, [handoff]);
  if (!refusal) return <main class="m-page" aria-busy="true"><p class="m-big">正在登录…</p></main>;
  return (
    <main class="m-page" data-testid="phone-error" data-code={refusal.code}>
      <p class="m-big">{refusal.zh}</p>
      <p class="m-en">{refusal.en}</p>
    </main>
  );
}
