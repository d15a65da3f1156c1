/** Reading a QR code off the screen in Chromium tests: the text of the QR an element shows, decoded from its pixels. */
import { expect } from 'vitest';
import type { Locator } from 'playwright-core';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

export async function qrText(el: Locator, wait: { timeout: number } = { timeout: 60_000 }): Promise<string> {
  const png = PNG.sync.read(await el.screenshot(wait));
  const text = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
  expect(text).toBeDefined();
  return text!;
}
