/**
 * CRC-16/MODBUS (counter-bus.md "Line and framing"): poly 0xA001 reflected, init 0xFFFF, no final XOR, sent low
 * byte first. Check value over ASCII "123456789" is 0x4B37. Table-driven because the decoders run it at every
 * candidate offset while sliding over noise.
 */
const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-16/MODBUS of `bytes[start..end)`. */
export function modbusCrc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]) & 0xff];
  return crc;
}

/** True when the last two bytes of `bytes[start..start+length)` are the CRC (low byte first) of the rest. */
export function modbusCrcOk(bytes: Uint8Array, start = 0, length = bytes.length - start): boolean {
  if (length < 3) return false;
  const end = start + length;
  const crc = modbusCrc16(bytes, start, end - 2);
  return bytes[end - 2] === (crc & 0xff) && bytes[end - 1] === crc >>> 8;
}

/** `body` followed by its CRC, low byte first: a complete RTU frame. */
export function appendModbusCrc(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 2);
  out.set(body);
  const crc = modbusCrc16(body);
  out[body.length] = crc & 0xff;
  out[body.length + 1] = crc >>> 8;
  return out;
}
