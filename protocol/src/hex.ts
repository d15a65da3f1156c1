/** Hex helpers used by tests, logs and the technician console ("AA AA 96" <-> bytes). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  if (clean.length % 2 !== 0) throw new Error(`odd number of hex digits in "${hex.slice(0, 40)}"`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array, sep = ' '): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (i ? sep : '') + bytes[i].toString(16).toUpperCase().padStart(2, '0');
  return s;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
