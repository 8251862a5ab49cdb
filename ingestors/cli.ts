/**
 * `pedigree-ingest`: command-line connectors that feed Pedigree through its public API.
 *
 *   npx pedigree-ingest openlineage <file.jsonl|dir>... --url http://localhost:4000 --api-key $KEY
 *
 * Prints a progress bar (on a terminal) and a summary; exits 0 when every event was applied (or was a
 * duplicate), 1 when anything was dead-lettered or failed, 2 on a usage error.
 */
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { statSync } from 'node:fs';
import { eventFiles, replayFiles } from './openlineage/replay';
import { SendTotals } from './shared/http-sender';

function positive(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be an integer from 1 to ${max}.`);
    return n;
  };
}

export function summary(t: SendTotals): string {
  const lines = [
    `sent ${t.sent}, applied ${t.applied}, duplicates ${t.duplicates}, dead-lettered ${t.deadLettered}, failed batches ${t.failedBatches}`,
    ...t.errors.slice(0, 10).map((e) => `  - ${e}`),
  ];
  if (t.deadLettered) lines.push('Dead letters keep each refused event and the reason: query `deadLetters` in GraphQL, fix the cause, then `replayDeadLetter`.');
  return lines.join('\n');
}

export function program(): Command {
  const cli = new Command('pedigree-ingest').description('Feed Pedigree from other systems, through its HTTP API.').exitOverride();
  cli
    .command('openlineage')
    .description('Replay OpenLineage RunEvents from JSON-lines files (one event per line) or directories of them.')
    .argument('<paths...>', '.jsonl / .ndjson files, or directories searched for them')
    .option('--url <url>', 'Pedigree base URL', process.env.PEDIGREE_URL ?? 'http://localhost:4000')
    .option('--api-key <key>', 'API key with write access (default: $PEDIGREE_API_KEY)', process.env.PEDIGREE_API_KEY)
    .option('--batch-size <n>', 'events per request', positive('--batch-size', 10_000), 500)
    .option('--concurrency <n>', 'requests in flight', positive('--concurrency', 16), 2)
    .action(async (paths: string[], opts: { url: string; apiKey?: string; batchSize: number; concurrency: number }) => {
      if (!opts.apiKey) throw new InvalidArgumentError('--api-key (or PEDIGREE_API_KEY) is required.');
      try {
        new URL(opts.url);
      } catch {
        throw new InvalidArgumentError(`--url "${opts.url}" is not a URL.`);
      }
      let files: string[];
      try {
        files = eventFiles(paths);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
      if (files.length === 0) throw new InvalidArgumentError(`No .jsonl, .ndjson or .json files under ${paths.join(', ')}.`);
      const total = files.reduce((n, f) => n + statSync(f).size, 0);
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'openlineage |{bar}| {percentage}% | {events} events | {eta_formatted} left', hideCursor: true }) : undefined;
      bar?.start(total, 0, { events: 0 });
      try {
        const totals = await replayFiles(files, { ...opts, apiKey: opts.apiKey, onProgress: (bytes, events) => bar?.update(Math.min(bytes, total), { events }) });
        bar?.stop();
        console.log(summary(totals));
        process.exitCode = totals.deadLettered || totals.failedBatches ? 1 : 0;
      } catch (err) {
        bar?.stop();
        throw err;
      }
    });
  return cli;
}

/** Runs the CLI; resolves with the exit code (0 done, 1 something not applied, 2 usage error). */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    if (e instanceof InvalidArgumentError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    if (e.code?.startsWith('commander.')) return 2; // commander printed the problem while parsing
    console.error(`error: ${e.message}`);
    return 1;
  }
}

if (require.main === module) {
  void runCli(process.argv).then((code) => (process.exitCode = code));
}
