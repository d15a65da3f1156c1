/**
 * A QR code the bridge made, drawn in the browser (no QR encoder ships to the kiosk or the phone): one SVG path of
 * the dark modules, with the 4-module quiet zone the QR standard asks for.
 */
export function qrPath(rows: readonly string[]): string {
  let d = '';
  rows.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) if (row[x] === '1') d += `M${x + 4} ${y + 4}h1v1h-1z`;
  });
  return d;
}
