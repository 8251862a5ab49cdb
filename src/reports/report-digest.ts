/**
 * The header every report carries: what, as of when, generated when, by which Pedigree, and the sha256 of
 * its canonical content (everything but `generatedAt` and the digest itself) — so the same report for the
 * same asOf has the same digest, tomorrow as today.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../audit/audit-chain';
import { ReportHeader } from './report.types';

/** The version in package.json (compiled code runs from dist/src/reports/). */
export const PEDIGREE_VERSION: string = (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

export function reportDigest(kind: string, subject: string, asOf: Date, body: object): string {
  return createHash('sha256').update(canonicalJson({ kind, subject, asOf, pedigreeVersion: PEDIGREE_VERSION, body })).digest('hex');
}

export function sealReport<T extends object>(kind: string, subject: string, asOf: Date, body: T): T & { header: ReportHeader } {
  const header: ReportHeader = { kind, subject, asOf, generatedAt: new Date(), pedigreeVersion: PEDIGREE_VERSION, digest: reportDigest(kind, subject, asOf, body) };
  return { header, ...body };
}
