// Staff access building blocks (README "For technicians: the console", access): scrypt hashes,
// sessions with idle and absolute expiry, the login rate limit, the cookie. Pure logic with an
// injected clock (the real-bridge tests are in bridge-auth.test.ts).
import { describe, expect, it } from 'vitest';
import { readCookie, staffCookie, STAFF_COOKIE } from '../../src/auth/cookies.ts';
import { DEMO_PASSWORDS, DEMO_USERS } from '../../src/auth/demoUsers.ts';
import { LoginLimiter } from '../../src/auth/loginLimiter.ts';
import { hashPassword, isPasswordHash, parsePasswordHash, verifyPassword } from '../../src/auth/password.ts';
import { StaffSessions } from '../../src/auth/sessions.ts';
import { StaffAuth } from '../../src/auth/staffAuth.ts';

/** Small N keeps these tests quick on a loaded machine; the format and the check are the same. */
const FAST = { N: 1024, r: 8, p: 1 };

describe('scrypt password hashes', () => {
  it('hash has the stored form, a per-hash salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse', FAST);
    const b = await hashPassword('correct horse', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b); // fresh salt each time
    expect(parsePasswordHash(a).salt.equals(parsePasswordHash(b).salt)).toBe(false);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse', b)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('a malformed hash never verifies and is named as malformed', async () => {
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
    expect(isPasswordHash('scrypt$1000$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g')).toBe(false); // N not 2^k
    expect(() => parsePasswordHash('bcrypt$x')).toThrow(/scrypt\$N\$r\$p\$salt\$hash/);
    await expect(hashPassword('')).rejects.toThrow(/non-empty/);
  });

  it('the demo users verify with their documented passwords', async () => {
    const tech = DEMO_USERS.find((u) => u.name === 'tech')!;
    const manager = DEMO_USERS.find((u) => u.name === 'manager')!;
    expect(tech.role).toBe('technician');
    expect(manager.role).toBe('manager');
    expect(await verifyPassword(DEMO_PASSWORDS.tech, tech.passwordHash)).toBe(true);
    expect(await verifyPassword(DEMO_PASSWORDS.manager, manager.passwordHash)).toBe(true);
    expect(await verifyPassword(DEMO_PASSWORDS.manager, tech.passwordHash)).toBe(false);
  });
});

describe('staff sessions', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('idle expiry: use keeps a session alive, idleMs without use ends it (and says so)', () => {
    const c = clock();
    const s = new StaffSessions({ maxAgeMs: 8 * 3600_000, idleMs: 30 * 60_000, now: c.now });
    const ended: string[] = [];
    s.on('ended', (_key, r) => ended.push(r.user));
    const { token } = s.create('li', 'technician');
    c.advance(29 * 60_000);
    expect(s.get(token)?.user).toBe('li');
    c.advance(29 * 60_000); // 58 min since login, 29 since last use
    expect(s.get(token)?.user).toBe('li');
    c.advance(30 * 60_000);
    expect(s.get(token)).toBeNull();
    expect(ended).toEqual(['li']);
    expect(s.size).toBe(0);
  });

  it('absolute expiry after maxAgeMs even when used all the time', () => {
    const c = clock();
    const s = new StaffSessions({ maxAgeMs: 8 * 3600_000, idleMs: 30 * 60_000, now: c.now });
    const { token } = s.create('li', 'technician');
    for (let i = 0; i < 8 * 4 - 1; i++) {
      c.advance(15 * 60_000);
      expect(s.get(token)).not.toBeNull();
    }
    c.advance(15 * 60_000);
    expect(s.get(token)).toBeNull();
  });

  it('tokens are random and unguessable from each other; revoke and sweep end sessions', () => {
    const c = clock();
    const s = new StaffSessions({ maxAgeMs: 10_000, idleMs: 5_000, now: c.now });
    const a = s.create('a', 'manager').token;
    const b = s.create('b', 'technician').token;
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(s.get(a.slice(0, -1) + (a.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(s.revoke(a)).toBe(true);
    expect(s.get(a)).toBeNull();
    c.advance(6_000);
    expect(s.sweep()).toBe(1);
    expect(s.get(b)).toBeNull();
  });
});

describe('login rate limit', () => {
  it('5 failures per minute per address+user, then refused with the time to wait; success clears', () => {
    let t = 0;
    const l = new LoginLimiter({ maxFailures: 5, windowMs: 60_000, now: () => t });
    const k = LoginLimiter.key('10.0.0.1', 'Tech');
    expect(LoginLimiter.key('10.0.0.1', ' tech ')).toBe(k);
    for (let i = 0; i < 5; i++) {
      expect(l.check(k).allowed).toBe(true);
      l.fail(k);
      t += 1000;
    }
    const v = l.check(k);
    expect(v).toEqual({ allowed: false, retryAfterMs: 60_000 - 5000 });
    expect(l.check(LoginLimiter.key('10.0.0.2', 'tech')).allowed).toBe(true);
    expect(l.check(LoginLimiter.key('10.0.0.1', 'manager')).allowed).toBe(true);
    t += 55_001; // the first failure leaves the window
    expect(l.check(k).allowed).toBe(true);
    l.succeed(k);
    for (let i = 0; i < 4; i++) l.fail(k);
    expect(l.check(k).allowed).toBe(true);
  });

  it('StaffAuth refuses even the right password while limited, and unknown names cost a failure too', async () => {
    let t = 0;
    const users = [{ name: 'tech', role: 'technician' as const, passwordHash: await hashPassword('right one', FAST) }];
    const auth = new StaffAuth({ users, sessionMaxAgeMs: 60_000, sessionIdleMs: 60_000, loginFailuresPerMinute: 2, now: () => t });
    expect((await auth.login('tech', 'wrong', '1.2.3.4')).ok).toBe(false);
    expect(await auth.login('nobody', 'wrong', '1.2.3.4')).toMatchObject({ ok: false, status: 401 });
    expect((await auth.login('tech', 'wrong', '1.2.3.4'))).toMatchObject({ ok: false, status: 401 });
    expect(await auth.login('TECH', 'right one', '1.2.3.4')).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 60 });
    const other = await auth.login('tech', 'right one', '5.6.7.8');
    expect(other).toMatchObject({ ok: true, session: { user: 'tech', role: 'technician', canAct: true } });
    t += 60_000;
    expect((await auth.login('tech', 'right one', '1.2.3.4')).ok).toBe(true);
  });
});

describe('login rate limit per address', () => {
  it('many names from one address: refused after 6x the per-user limit, other addresses unaffected', async () => {
    const auth = new StaffAuth({ users: [], sessionMaxAgeMs: 60_000, sessionIdleMs: 60_000, loginFailuresPerMinute: 1, now: () => 0 });
    for (let i = 0; i < 6; i++) expect(await auth.login(`name${i}`, 'x', '9.9.9.9')).toMatchObject({ status: 401 });
    const r = await auth.login('name-new', 'x', '9.9.9.9');
    expect(r).toMatchObject({ ok: false, status: 429 });
    expect(r.ok === false && r.message).toMatch(/from this address/);
    expect(await auth.login('name-new', 'x', '9.9.9.8')).toMatchObject({ status: 401 });
  });
});

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict, path /, with Max-Age; clearing sets Max-Age=0', () => {
    const c = staffCookie('tok+/=', { maxAgeSeconds: 8 * 3600, secure: false });
    expect(c).toBe(`${STAFF_COOKIE}=tok%2B%2F%3D; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800`);
    expect(staffCookie(null, { maxAgeSeconds: 10, secure: true })).toBe(`${STAFF_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure`);
    expect(readCookie(`a=1; ${STAFF_COOKIE}=tok%2B%2F%3D; b=2`, STAFF_COOKIE)).toBe('tok+/=');
    expect(readCookie('a=1', STAFF_COOKIE)).toBeUndefined();
    expect(readCookie(`${STAFF_COOKIE}=%E0%A4%A`, STAFF_COOKIE)).toBeUndefined();
  });
});
