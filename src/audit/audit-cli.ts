/**
 * `npm run audit:verify [-- --from <time>] [--to <time>]`: recomputes the audit log's hash chain on
 * DATABASE_URL (or the embedded database) and prints the first broken link; exit 0 intact, 2 broken.
 */
import { Command } from 'commander';
import pino from 'pino';
import { loadConfig } from '../platform/config/config';
import { Db } from '../platform/database/db';
import { openDatabase } from '../platform/database/open-database';
import { AuditService } from './audit.service';

function time(name: string) {
  return (value: string): Date => {
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) throw new Error(`--${name}: "${value}" is not a time (use ISO 8601, e.g. 2026-11-01T00:00:00Z)`);
    return d;
  };
}

async function main(): Promise<boolean> {
  const opts = new Command('audit:verify')
    .option('--from <time>', 'first entry time to check', time('from'))
    .option('--to <time>', 'check entries before this time', time('to'))
    .parse()
    .opts<{ from?: Date; to?: Date }>();
  const config = loadConfig();
  const database = await openDatabase(config, (m) => console.error(m));
  try {
    const audit = new AuditService(new Db(database.dataSource), pino({ level: 'silent' }), { auditSealIntervalMs: 0 });
    const result = await audit.verify(opts.from, opts.to, (n) => process.stderr.isTTY && process.stderr.write(`\rchecked ${n} entries`));
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (result.ok) {
      console.log(
        `audit log intact: ${result.checked} entries checked (${result.firstSeq ?? '-'}..${result.lastSeq ?? '-'}), head ${result.headHash ?? '-'}` +
          (result.unsealed ? `; ${result.unsealed} newer entries still committing, not checked` : ''),
      );
    } else {
      console.log(`audit log BROKEN at entry ${result.brokenAt}: ${result.reason} (${result.checked} entries checked before it)`);
    }
    return result.ok;
  } finally {
    await database.close();
  }
}

main().then((ok) => process.exit(ok ? 0 : 2), (err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
