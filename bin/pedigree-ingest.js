#!/usr/bin/env node
// Entry point of `npx pedigree-ingest` (runs the compiled ingestors; `npm run build` produces them).
require('../dist/ingestors/cli.js')
  .runCli(process.argv)
  .then((code) => (process.exitCode = code));
