/** A QR the bridge made, drawn as SVG on the phone (qr/qrPath.ts). */
import { qrPath } from '../qr/qrPath.ts';

export function QrSvg({ rows, size, label, testid }: { rows: readonly string[]; size: number; label: string; testid: string }) {
  const s = size + 8;
  return (
    <svg class="m-qr" data-testid={testid} viewBox={`0 0 ${s} ${s}`} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={s} height={s} fill="#fff" />
      <path d={qrPath(rows)} fill="#000" />
    </svg>
  );
}
