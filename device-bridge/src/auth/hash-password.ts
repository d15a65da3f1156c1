/**
 * Makes a password hash for the bridge config's `users` (README "For technicians: the console",
 * access):
 *
 *   tsx device-bridge/src/auth/hash-password.ts            # asks for the password (not echoed), twice
 *   printf '%s' 'secret' | tsx device-bridge/src/auth/hash-password.ts   # from stdin (scripts)
 *
 * Prints `scrypt$N$r$p$salt$hash`; put it in `{"users": [{"name": ..., "role": "technician", "passwordHash": ...}]}`.
 * The password is never taken from the command line (it would stay in the shell history and the process list).
 */
import { pathToFileURL } from 'node:url';
import { hashPassword } from './password.ts';

const MIN_LENGTH = 8;

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  // A trailing newline from `echo` is not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads one line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(new Error('canceled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

export async function runHashPasswordCli(): Promise<number> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await askHidden('password: ');
    const again = await askHidden('again: ');
    if (again !== password) {
      process.stderr.write('hash-password: the two passwords differ\n');
      return 2;
    }
  } else {
    password = await readAllStdin();
  }
  if (password.length < MIN_LENGTH) {
    process.stderr.write(`hash-password: the password must have at least ${MIN_LENGTH} characters\n`);
    return 2;
  }
  process.stdout.write(`${await hashPassword(password)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runHashPasswordCli().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`hash-password: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
