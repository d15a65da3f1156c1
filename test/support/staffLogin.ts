/**
 * The staff pages' login form (/hall, /tech: kiosk-ui's TechLogin) filled in as a person would: the one way the
 * end-to-end tests sign staff in. Returns once the form is sent; the caller waits for what it expects to see.
 */
import type { Page } from 'playwright-core';

/** Waits this long for the form: the page is served by a loaded test machine. */
const FORM_WAIT = { timeout: 60_000 };

/** `url`: the staff page to open first (null: the page already shows the form). */
export async function staffLogin(page: Page, url: string | null, user: string, password: string): Promise<void> {
  if (url !== null) await page.goto(url);
  await page.getByTestId('tech-login').waitFor(FORM_WAIT);
  await page.locator('input[name="user"]').fill(user);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
}
