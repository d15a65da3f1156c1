/** A name with the characters a search matched marked (<mark>: bold and underlined, not colour alone). */
export function Highlighted({ text, marks }: { text: string; marks: readonly boolean[] | null }) {
  if (!marks) return <>{text}</>;
  const chars = [...text];
  const parts: Array<{ s: string; on: boolean }> = [];
  chars.forEach((c, i) => {
    const on = marks[i] === true;
    const last = parts[parts.length - 1];
    if (last && last.on === on) last.s += c;
    else parts.push({ s: c, on });
  });
  return <>{parts.map((p, i) => (p.on ? <mark key={i} class="match" data-testid="match">{p.s}</mark> : p.s))}</>;
}
