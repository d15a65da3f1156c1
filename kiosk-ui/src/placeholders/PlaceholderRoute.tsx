/** A route whose screens later issues build: says what it will be and which issue builds it. */
export function PlaceholderRoute({ title, issue }: { title: string; issue: string }) {
  return (
    <main class="shell-message placeholder" data-testid="placeholder">
      <h1>{title}</h1>
      <p>
        建设中 / Under construction: {issue}
      </p>
      <p>
        <a href="/">自助终端 / Citizen kiosk</a>
      </p>
    </main>
  );
}
