/**
 * The header every report carries: what, as of when, generated when, by which Pedigree, and the sha256 of
 * its canonical content (everything but `generatedAt` and the digest itself) — so the same report for the
 * same asOf has the same digest, tomorrow as today.
 */
import { createHash } from 'node:crypto';
import type { Caller } from '../access/access.service';
import type { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../platform/graphql/request-context';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../audit/audit-chain';
import { ReportHeader } from './report.types';

/** The version in package.json (compiled code runs from dist/src/reports/). */
export const PEDIGREE_VERSION: string = (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

export function reportDigest(kind: string, subject: string, asOf: Date, body: object): string {
  return createHash('sha256').update(canonicalJson({ kind, subject, asOf, pedigreeVersion: PEDIGREE_VERSION, body })).digest('hex');
}

/** A request context for the catalog's loaders, outside GraphQL (a report reads as its caller). */
export function readerContext(caller: Caller): RequestContext {
  return { req: { caller } as unknown as RequestContext['req'], loaders: new Map() };
}

/** Records that `caller` read a report, before it is handed out: no report leaves unaudited. */
export async function recordReportRead(audit: AuditService, caller: Caller, target: string, report: { header: ReportHeader }, details: Record<string, unknown>): Promise<void> {
  await audit.record({
    principal: caller.principal.name, action: 'report', target, outcome: 'allowed', requestId: caller.requestId,
    details: { kind: report.header.kind, ...details, digest: report.header.digest },
  });
}

export function sealReport<T extends object>(kind: string, subject: string, asOf: Date, body: T): T & { header: ReportHeader } {
  const header: ReportHeader = { kind, subject, asOf, generatedAt: new Date(), pedigreeVersion: PEDIGREE_VERSION, digest: reportDigest(kind, subject, asOf, body) };
  return { header, ...body };
}
