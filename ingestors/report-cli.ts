/**
 * `pedigree`: the command line for reading Pedigree's reports (a client of its HTTP API, like the ingestors).
 *
 *   npx pedigree report model <model-version-urn> [--as-of <time>] [--format json|markdown|html|pdf] [--out <file>]
 *   npx pedigree report prediction <prediction-id> [same options]
 *   npx pedigree report dataset <dataset-urn> --from <time> --to <time> [--format …] [--out <file>]
 *
 * --url (default $PEDIGREE_URL or http://localhost:4000) and --api-key (default $PEDIGREE_API_KEY; needs `audit`).
 * Writes the report to --out (or stdout, except PDF which needs --out) and prints its digest on stderr.
 * Exits 0 on success, 1 when the service refuses or fails (its message is printed), 2 on a usage error.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileSync } from 'node:fs';

const FORMATS = ['json', 'markdown', 'html', 'pdf'];
const ROUTES = {
  model: { path: 'model-version', param: 'urn' },
  prediction: { path: 'prediction', param: 'id' },
  dataset: { path: 'dataset-usage', param: 'urn' },
} as const;

interface Options {
  asOf?: string;
  from?: string;
  to?: string;
  format: string;
  out?: string;
  url: string;
  apiKey?: string;
}

function time(value: string): string {
  if (Number.isNaN(new Date(value).getTime())) throw new InvalidArgumentError(`"${value}" is not a time (use ISO 8601, e.g. 2026-11-01T00:00:00Z).`);
  return new Date(value).toISOString();
}

async function fetchReport(kind: keyof typeof ROUTES, subject: string, opts: Options): Promise<number> {
  if (!opts.apiKey) throw new InvalidArgumentError('--api-key (or PEDIGREE_API_KEY) is required.');
  if (opts.format === 'pdf' && !opts.out) throw new InvalidArgumentError('--format pdf needs --out <file>.');
  let url: URL;
  try {
    url = new URL(`/api/v1/reports/${ROUTES[kind].path}`, opts.url);
  } catch {
    throw new InvalidArgumentError(`--url "${opts.url}" is not a URL.`);
  }
  url.searchParams.set(ROUTES[kind].param, subject);
  url.searchParams.set('format', opts.format);
  if (opts.asOf) url.searchParams.set('asOf', opts.asOf);
  if (opts.from) url.searchParams.set('from', opts.from);
  if (opts.to) url.searchParams.set('to', opts.to);
  const res = await fetch(url, { headers: { authorization: `Bearer ${opts.apiKey}` } });
  const body = Buffer.from(await res.arrayBuffer());
  if (!res.ok) {
    let message = body.toString('utf8').slice(0, 500);
    try {
      message = (JSON.parse(message) as { error: { message: string } }).error.message;
    } catch {
      // not our JSON error shape: print what came
    }
    console.error(`error: ${res.status} ${message}`);
    return 1;
  }
  if (opts.out) writeFileSync(opts.out, body);
  else process.stdout.write(body);
  console.error(`report ${kind} ${subject}: ${body.length} bytes${opts.out ? ` written to ${opts.out}` : ''}, digest ${res.headers.get('x-report-digest') ?? '?'}`);
  return 0;
}

export function program(done: (code: number) => void): Command {
  const cli = new Command('pedigree').description('Read Pedigree compliance reports through its HTTP API.').exitOverride();
  const report = cli.command('report').description('Generate a report (needs audit on its subject).');
  const kinds = [
    ['model', '<model-version-urn>', 'The model version report.'],
    ['prediction', '<prediction-id>', 'The prediction report.'],
    ['dataset', '<dataset-urn>', 'The dataset usage report (needs --from and --to).'],
  ] as const;
  for (const [kind, what, description] of kinds) {
    const command = report.command(kind).description(description).argument(what);
    if (kind === 'dataset') command.requiredOption('--from <time>', 'start of the period', time).requiredOption('--to <time>', 'end of the period', time);
    else command.option('--as-of <time>', 'the moment to describe (default: now)', time);
    command
      .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('json'))
      .option('--out <file>', 'write here instead of stdout')
      .option('--url <url>', 'Pedigree base URL', process.env.PEDIGREE_URL ?? 'http://localhost:4000')
      .option('--api-key <key>', 'API key (default: $PEDIGREE_API_KEY)', process.env.PEDIGREE_API_KEY)
      .action(async (subject: string, opts: Options) => done(await fetchReport(kind, subject, opts)));
  }
  return cli;
}

/** Runs the CLI; resolves with the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  let code = 0;
  try {
    await program((c) => (code = c)).parseAsync(argv);
    return code;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    if (e instanceof InvalidArgumentError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    if (e.code?.startsWith('commander.')) return 2;
    console.error(`error: ${e.message}`);
    return 1;
  }
}
