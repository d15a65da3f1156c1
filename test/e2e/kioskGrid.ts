/**
 * What the kiosk's screens must measure up to in Chromium (hall-rules.md "Accessibility and the elderly", README
 * "Finding a service"), measured in the page: lone wrapped characters, the smallest text, and the grid of touch
 * targets (size, overlap, the navigation bar) with the contrast of every text.
 */
import type { Page } from 'playwright-core';

/**
 * Text lines (in every block on the page) that hold a single wrapped character, e.g. the last 息 of a sentence on a
 * line of its own. Measured from the characters' boxes.
 */
export async function orphanLines(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    const blocks = new Map<Element, Text[]>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
      if (!n.textContent?.trim() || n.parentElement?.closest('svg,script,style,textarea')) continue;
      let block: Element | null = n.parentElement;
      while (block && ['inline', 'contents'].includes(getComputedStyle(block).display)) block = block.parentElement;
      if (!block) continue;
      if (!blocks.has(block)) blocks.set(block, []);
      blocks.get(block)!.push(n);
    }
    for (const [block, texts] of blocks) {
      const lines: Array<{ bottom: number; chars: string }> = [];
      for (const t of texts) {
        const s = t.textContent!;
        for (let i = 0; i < s.length; i++) {
          const range = document.createRange();
          range.setStart(t, i);
          range.setEnd(t, i + 1);
          const r = range.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;
          const last = lines[lines.length - 1];
          if (last && r.top < last.bottom - r.height / 2) {
            last.chars += s[i];
            last.bottom = Math.max(last.bottom, r.bottom);
          } else lines.push({ bottom: r.bottom, chars: s[i] });
        }
      }
      const words = lines.map((l) => l.chars.trim()).filter((l) => l !== '');
      if (words.length > 1 && words.some((l) => [...l].length === 1)) bad.push(`${block.tagName}.${block.className}: ${JSON.stringify(words)}`);
    }
    return bad;
  });
}

/** The smallest font size of any visible text on the kiosk (svg pictures aside). */
export async function smallestText(page: Page): Promise<{ px: number; text: string }> {
  return page.evaluate(() => {
    let min = { px: Infinity, text: '' };
    const walker = document.createTreeWalker(document.querySelector('[data-testid="kiosk"]')!, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent?.trim() || !el || el.closest('svg')) continue;
      if (el.getClientRects().length === 0) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < min.px) min = { px, text: n.textContent.trim().slice(0, 40) };
    }
    return min;
  });
}

export interface GridProblems {
  /** Targets smaller than the mode's minimum, `label WxH`. */
  small: string[];
  /** Pairs of visible targets that overlap. */
  overlapping: string[];
  /** Visible parts of the screen's content reaching under the scroll cue or the navigation bar. */
  underBar: string[];
  /** Targets reaching past the left or right edge of the screen (no sideways scrolling on a kiosk). */
  offScreen: string[];
  /** Texts under 4.5:1 against their background. */
  lowContrast: string[];
  /** How many targets were measured (a check that found nothing to measure proves nothing). */
  targets: number;
}

/**
 * The touch grid of the screen as shown: every visible button, link and input at least `minTarget` px each way
 * (its part inside the scrolled screen, as a finger meets it), no two overlapping, none reaching under the bars
 * below the screen, and every text at 4.5:1 or more against its effective background (WCAG 2 relative luminance).
 */
export async function gridProblems(page: Page, minTarget: number): Promise<GridProblems> {
  return page.evaluate((min) => {
    const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const backgroundOf = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg.length === 3 || (bg.length === 4 && bg[3] > 0)) return bg.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const kiosk = document.querySelector('[data-testid="kiosk"]')!;
    const screen = kiosk.querySelector(':scope > .screen');
    const screenBox = screen?.getBoundingClientRect() ?? null;
    const below = Array.from(kiosk.querySelectorAll(':scope > .scroll-cue, :scope > .nav-bar')).map((e) => e.getBoundingClientRect());
    const barTop = Math.min(innerHeight, ...below.map((b) => b.top));
    type Box = { label: string; left: number; top: number; right: number; bottom: number };
    const visible: Box[] = [];
    const small: string[] = [];
    const underBar: string[] = [];
    const offScreen: string[] = [];
    for (const el of Array.from(kiosk.querySelectorAll('button, a[href], input, [role="button"]'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      const label = ((el as HTMLElement).innerText || (el as HTMLInputElement).placeholder || el.getAttribute('data-testid') || '').trim().slice(0, 24);
      // A target's whole size counts, scrolled into view or not.
      if (r.width < min - 0.5 || r.height < min - 0.5) small.push(`${label} ${Math.round(r.width)}x${Math.round(r.height)}`);
      if (r.left < -0.5 || r.right > innerWidth + 0.5) offScreen.push(`${label} ${Math.round(r.left)}..${Math.round(r.right)} of ${innerWidth}`);
      let box: Box = { label, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      if (screen && screenBox && screen.contains(el)) {
        box = { label, left: Math.max(r.left, screenBox.left), top: Math.max(r.top, screenBox.top),
          right: Math.min(r.right, screenBox.right), bottom: Math.min(r.bottom, screenBox.bottom) };
        if (box.bottom - box.top <= 0 || box.right - box.left <= 0) continue; // scrolled out of view
        if (box.bottom > barTop + 0.5) underBar.push(`${label} bottom ${Math.round(box.bottom)} > bar ${Math.round(barTop)}`);
      }
      visible.push(box);
    }
    const overlapping: string[] = [];
    for (let i = 0; i < visible.length; i++) {
      for (let j = i + 1; j < visible.length; j++) {
        const a = visible[i];
        const b = visible[j];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0.5 && h > 0.5) overlapping.push(`${a.label} / ${b.label}`);
      }
    }
    const lowContrast: string[] = [];
    for (const el of Array.from(kiosk.querySelectorAll('*'))) {
      if (el.closest('svg')) continue;
      const own = Array.from(el.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join('').trim();
      const box = el.getBoundingClientRect();
      if (own === '' || box.width === 0 || box.height === 0) continue;
      const style = getComputedStyle(el);
      const l1 = luminance(parse(style.color));
      const l2 = luminance(backgroundOf(el));
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      if (ratio < 4.5) lowContrast.push(`${own.slice(0, 24)} ${ratio.toFixed(2)}`);
    }
    return { small, overlapping, underBar, offScreen, lowContrast, targets: visible.length };
  }, minTarget);
}
