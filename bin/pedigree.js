#!/usr/bin/env node
// Entry point of `npx pedigree` (runs the compiled CLI; `npm run build` produces it).
require('../dist/ingestors/report-cli.js')
  .runCli(process.argv)
  .then((code) => (process.exitCode = code));
