#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so `npx bedrock-access-monitor` works after `npm ci`
// with no build step. The Lambda is bundled separately by esbuild.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
