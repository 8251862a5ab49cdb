/**
 * `pedigree-ingest`: command-line connectors that feed Pedigree through its public API.
 *
 *   npx pedigree-ingest openlineage <file.jsonl|dir>... --url http://localhost:4000 --api-key $KEY
 *   npx pedigree-ingest onnx <model.onnx> --model <name|urn> --url http://localhost:4000 --api-key $KEY
 *
 * Prints a progress bar (on a terminal) and a summary; exits 0 when every event was applied (or was a
 * duplicate), 1 when anything was dead-lettered or failed, 2 on a usage error.
 */
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { statSync } from 'node:fs';
import { eventFiles, replayFiles } from './openlineage/replay';
import { SendTotals } from './shared/http-sender';
import { OnnxIngestError, registerOnnx } from './onnx/register';

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
  cli
    .command('onnx')
    .description('Register a model version from an .onnx file: hash, size, opset, producer, input/output signature, artifact URI.')
    .argument('<file>', 'the .onnx file')
    .requiredOption('--model <name|urn>', 'the model (registered if a new name)')
    .option('--url <url>', 'Pedigree base URL', process.env.PEDIGREE_URL ?? 'http://localhost:4000')
    .option('--api-key <key>', 'API key with write access (default: $PEDIGREE_API_KEY)', process.env.PEDIGREE_API_KEY)
    .option('--artifact-uri <uri>', 'where the artifact lives (default: file:// URI of <file>)')
    .option('--trained-by-run <urn>', 'the training run that produced it')
    .option('--feature-names <names>', 'comma-separated names of the input features, in order (for explanations)')
    .action(async (file: string, opts: { model: string; url: string; apiKey?: string; artifactUri?: string; trainedByRun?: string; featureNames?: string }) => {
      if (!opts.apiKey) throw new InvalidArgumentError('--api-key (or PEDIGREE_API_KEY) is required.');
      try {
        const r = await registerOnnx(file, {
          ...opts,
          apiKey: opts.apiKey,
          trainedByRunUrn: opts.trainedByRun,
          featureNames: opts.featureNames?.split(',').map((n) => n.trim()).filter(Boolean),
        });
        const d = r.description;
        console.log(`registered ${r.urn} (version ${r.version})`);
        console.log(`  sha256 ${d.sha256}, ${d.sizeBytes} bytes, IR ${d.info.irVersion}, opsets ${d.info.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')}, producer ${d.info.producerName ?? 'unknown'} ${d.info.producerVersion ?? ''}`.trimEnd());
        for (const [kind, specs] of [['input', d.inputs], ['output', d.outputs]] as const) {
          for (const t of specs) console.log(`  ${kind} ${t.name}: ${t.dtype} [${t.shape?.join(', ') ?? '?'}]`);
        }
      } catch (err) {
        if (err instanceof OnnxIngestError) {
          console.error(`error: ${err.message}`);
          process.exitCode = 1;
          return;
        }
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
