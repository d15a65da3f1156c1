#!/usr/bin/env node
// device-bridge: registers tsx so the TypeScript bridge runs without a build step, then hands over to its CLI
// (`device-bridge --config bridge.json`; exit 2 for a bad config, naming the field).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/main.ts');
await runCli(process.argv.slice(2));
