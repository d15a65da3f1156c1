#!/usr/bin/env node
// onedoor-sim: registers tsx so the TypeScript CLI runs without a build step, then hands over to it.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
