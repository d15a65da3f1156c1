#!/usr/bin/env node
// device-bridge: the bridge's CLI (`device-bridge --config bridge.json`; exit 2 for a bad config, naming the field).
// In a checkout (the sources and tsx, a dev dependency, are there) it runs the TypeScript sources through tsx, so
// a developer never runs a stale build; in an installed tree (deploy/install.sh copies dist/ and the run-time
// packages only) it runs the compiled build made by `npm run build`, with plain node.
import { existsSync } from 'node:fs';

const source = new URL('../src/main.ts', import.meta.url);
const compiled = new URL('../dist/main.js', import.meta.url);

async function tsxRegister() {
  if (!existsSync(source)) return null;
  try {
    return (await import('tsx/esm/api')).register;
  } catch {
    return null;
  }
}

const register = await tsxRegister();
let main;
if (register) {
  register();
  main = source;
} else if (existsSync(compiled)) {
  main = compiled;
} else {
  process.stderr.write('device-bridge: no compiled build (dist/main.js) and no tsx: run `npm run build`\n');
  process.exit(1);
}
const { runCli } = await import(main.href);
await runCli(process.argv.slice(2));
