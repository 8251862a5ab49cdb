/**
 * `GET /api/v1/reports/model-version?urn=…&asOf=…&format=json|markdown|html`: the same report as GraphQL's,
 * for people and archives. Authenticated and authorized like GraphQL; reading it is audited.
 */
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Caller } from '../access/access.service';
import type { AuthenticatedRequest } from '../access/auth.guard';
import { Authorize } from '../platform/auth/auth.decorators';
import { InvalidInputError } from '../platform/errors/errors';
import { ModelVersionReportService } from './model-version-report.service';
import { toHtml, toMarkdown } from './render';

const FORMATS = { json: 'application/json', markdown: 'text/markdown; charset=utf-8', html: 'text/html; charset=utf-8' } as const;
type Format = keyof typeof FORMATS;

function parseFormat(value: unknown): Format {
  const format = value === undefined ? 'json' : String(value);
  if (!(format in FORMATS)) throw new InvalidInputError(`format must be one of ${Object.keys(FORMATS).join(', ')}, not "${format.slice(0, 40)}".`);
  return format as Format;
}

function parseTime(name: string, value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(String(value));
  if (typeof value !== 'string' || value.length > 40 || Number.isNaN(d.getTime())) {
    throw new InvalidInputError(`${name} must be an ISO 8601 time, e.g. 2026-11-01T00:00:00Z.`);
  }
  return d;
}

@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly modelVersions: ModelVersionReportService) {}

  @Get('model-version')
  @Authorize('audit', 'Catalog')
  async modelVersion(@Query() query: Record<string, unknown>, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    if (typeof query.urn !== 'string' || !query.urn || query.urn.length > 1024) throw new InvalidInputError('urn is required (a model version URN).');
    const format = parseFormat(query.format);
    const report = await this.modelVersions.build(req.caller as Caller, query.urn, parseTime('asOf', query.asOf));
    res.setHeader('Content-Type', FORMATS[format]);
    res.setHeader('X-Report-Digest', report.header.digest);
    if (format === 'json') res.send(JSON.stringify(report));
    else res.send(format === 'markdown' ? toMarkdown(report) : toHtml(report));
  }
}
