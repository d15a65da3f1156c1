/** One section of the signed-in phone page: a title and what a read answered (loading, the list, or the words). */
import type { ComponentChildren } from 'preact';
import type { MeView } from './useMe.ts';

export function MeSection<T>({ title, view, testid, children }: { title: string; view: MeView<T>; testid: string; children: (body: T) => ComponentChildren }) {
  return (
    <section class="m-card" data-testid={testid}>
      <h2 class="m-h2">{title}</h2>
      {view.phase === 'loading' && <p aria-busy="true">正在读取…</p>}
      {view.phase === 'refused' && <p class="m-refused" role="alert">{view.refusal.zh}</p>}
      {view.phase === 'ok' && children(view.body)}
    </section>
  );
}
