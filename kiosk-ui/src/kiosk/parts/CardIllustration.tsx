/**
 * The attract screen's picture: an ID card coming down onto the reader pad. Inline SVG (no fetched assets); the
 * card's gentle movement is CSS and stops in elderly mode and under prefers-reduced-motion.
 */
export function CardIllustration({ label, stopped = false }: { label: string; stopped?: boolean }) {
  return (
    <svg class={`card-illustration${stopped ? ' card-illustration-stopped' : ''}`} viewBox="0 0 320 300" role="img" aria-label={label}
      data-testid="card-illustration" data-stopped={stopped ? '1' : '0'}>
      {/* reader pad */}
      <rect x="40" y="200" width="240" height="70" rx="14" fill="#2d3f55" />
      <rect x="64" y="212" width="192" height="40" rx="8" fill="#e8eef6" stroke="#7d93ad" stroke-width="3" stroke-dasharray="10 7" />
      <text x="160" y="239" text-anchor="middle" font-size="18" fill="#2d3f55" font-weight="700">{label}</text>
      {stopped ? (
        /* A stopped reader: no card going onto it, a cross instead (the words say what to do). */
        <path d="M130 60 l60 60 m0 -60 l-60 60" fill="none" stroke="#7a1712" stroke-width="10" stroke-linecap="round" />
      ) : (<>
      {/* arrow */}
      <path d="M160 150 v34 m-14 -14 l14 14 l14 -14" fill="none" stroke="#0b4f9c" stroke-width="6" stroke-linecap="round" stroke-linejoin="round" />
      {/* card */}
      <g class="card-illustration-card">
        <rect x="70" y="20" width="180" height="114" rx="12" fill="#fdfaf2" stroke="#2d3f55" stroke-width="4" />
        <rect x="84" y="40" width="46" height="58" rx="5" fill="#c9d6e5" />
        <circle cx="107" cy="61" r="11" fill="#7d93ad" />
        <path d="M90 96 q17 -22 34 0" fill="#7d93ad" />
        <rect x="142" y="44" width="90" height="9" rx="4" fill="#7d93ad" />
        <rect x="142" y="62" width="70" height="9" rx="4" fill="#7d93ad" />
        <rect x="142" y="80" width="80" height="9" rx="4" fill="#7d93ad" />
        <rect x="84" y="110" width="148" height="10" rx="4" fill="#b3261e" opacity="0.85" />
      </g>
      </>)}
    </svg>
  );
}
