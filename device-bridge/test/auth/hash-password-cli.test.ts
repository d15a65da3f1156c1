// The hash-password CLI (README "For technicians: the console", access: a small CLI makes a hash),
// run as a user would, password on stdin.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/password.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const run = (input: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'device-bridge/src/auth/hash-password.ts'], { cwd: root, input, encoding: 'utf8', timeout: 120_000 });

describe('hash-password CLI', () => {
  it('prints a scrypt hash of the password read from stdin (trailing newline not part of it)', async () => {
    const r = run('site password 1\n');
    expect(r.status).toBe(0);
    const hash = r.stdout.trim();
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('site password 1', hash)).toBe(true);
    expect(await verifyPassword('site password 1\n', hash)).toBe(false);
  }, 130_000);

  it('refuses a password shorter than 8 characters with exit code 2', () => {
    const r = run('short');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/at least 8 characters/);
    expect(r.stdout).toBe('');
  }, 130_000);
});
