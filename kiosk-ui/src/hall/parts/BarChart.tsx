/**
 * Horizontal bars as inline SVG (no chart library is installed, and none is needed for a few bars): one row per
 * item, label left, bar, value right. The numbers are written beside the bars, so colour is never the only cue.
 */
import { barShares } from '../format.ts';

export interface Bar {
  label: string;
  value: number;
  /** Shown instead of the value (e.g. minutes). */
  valueText?: string;
  tone?: 'good' | 'bad' | 'neutral';
}

const ROW = 34;
const LABEL_W = 150;
const BAR_W = 300;
const VALUE_W = 110;

export function BarChart({ bars, title, testId }: { bars: Bar[]; title: string; testId?: string }) {
  if (bars.length === 0) return <p class="hall-muted">暂无 / none yet</p>;
  const shares = barShares(bars.map((b) => b.value));
  const height = bars.length * ROW;
  return (
    <svg
      class="hall-chart"
      role="img"
      aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.valueText ?? b.value}`).join(', ')}`}
      viewBox={`0 0 ${LABEL_W + BAR_W + VALUE_W} ${height}`}
      width={LABEL_W + BAR_W + VALUE_W}
      height={height}
      data-testid={testId}
    >
      {bars.map((b, i) => (
        <g key={b.label} transform={`translate(0 ${i * ROW})`}>
          <text x={LABEL_W - 8} y={ROW / 2 + 6} text-anchor="end" class="hall-chart-label">
            {b.label}
          </text>
          <rect x={LABEL_W} y={6} width={BAR_W} height={ROW - 12} class="hall-chart-track" />
          <rect x={LABEL_W} y={6} width={Math.round(shares[i] * BAR_W)} height={ROW - 12} class={`hall-chart-bar tone-${b.tone ?? 'neutral'}`} />
          <text x={LABEL_W + BAR_W + 8} y={ROW / 2 + 6} class="hall-chart-value">
            {b.valueText ?? String(b.value)}
          </text>
        </g>
      ))}
    </svg>
  );
}
