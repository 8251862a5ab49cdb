/**
 * `GET /api/v1/reports/model-version?urn=…`, `GET /api/v1/reports/prediction?id=…` (each with an optional `asOf`)
 * and `GET /api/v1/reports/dataset-usage?urn=…&from=…&to=…`, each with `format=json|markdown|html|pdf`: the same reports as GraphQL's, for people and archives.
 * Authenticated and authorized like GraphQL; reading a report is audited.
 */
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Caller } from '../access/access.service';
import type { AuthenticatedRequest } from '../access/auth.guard';
import { Authorize } from '../platform/auth/auth.decorators';
import { InvalidInputError } from '../platform/errors/errors';
import { ModelVersionReportService } from './model-version-report.service';
import { PredictionReportService } from './prediction-report.service';
import { DatasetUsageReportService } from './dataset-usage-report.service';
import { datasetUsageDocument, modelVersionDocument, predictionDocument, ReportDocument, toHtml, toMarkdown } from './render';
import { ReportHeader } from './report.types';
import { toPdf } from './pdf';

export const REPORT_FORMATS = {
  json: 'application/json',
  markdown: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
} as const;
export type ReportFormat = keyof typeof REPORT_FORMATS;

export function parseFormat(value: unknown): ReportFormat {
  const format = value === undefined ? 'json' : String(value);
  if (!(format in REPORT_FORMATS)) throw new InvalidInputError(`format must be one of ${Object.keys(REPORT_FORMATS).join(', ')}, not "${format.slice(0, 40)}".`);
  return format as ReportFormat;
}

function parseTime(name: string, value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(String(value));
  if (typeof value !== 'string' || value.length > 40 || Number.isNaN(d.getTime())) {
    throw new InvalidInputError(`${name} must be an ISO 8601 time, e.g. 2026-11-01T00:00:00Z.`);
  }
  return d;
}

function required(query: Record<string, unknown>, name: string, what: string, max: number): string {
  const v = query[name];
  if (typeof v !== 'string' || !v || v.length > max) throw new InvalidInputError(`${name} is required (${what}).`);
  return v;
}

/** Renders a report in a format: the object itself as JSON, or its document for people. */
export async function renderReport<T extends { header: ReportHeader }>(report: T, format: ReportFormat, document: (r: T) => ReportDocument): Promise<string | Buffer> {
  if (format === 'json') return JSON.stringify(report);
  if (format === 'pdf') return toPdf(document(report));
  return format === 'markdown' ? toMarkdown(document(report)) : toHtml(document(report));
}

@Controller('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly modelVersions: ModelVersionReportService,
    private readonly predictions: PredictionReportService,
    private readonly datasets: DatasetUsageReportService,
  ) {}

  @Get('model-version')
  @Authorize('audit', 'Catalog')
  async modelVersion(@Query() query: Record<string, unknown>, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const urn = required(query, 'urn', 'a model version URN', 1024);
    await serve(res, query, () => this.modelVersions.build(req.caller as Caller, urn, parseTime('asOf', query.asOf)), modelVersionDocument);
  }

  @Get('prediction')
  @Authorize('audit', 'Catalog')
  async prediction(@Query() query: Record<string, unknown>, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const id = required(query, 'id', 'a prediction id', 200);
    await serve(res, query, () => this.predictions.build(req.caller as Caller, id, parseTime('asOf', query.asOf)), predictionDocument);
  }

  @Get('dataset-usage')
  @Authorize('audit', 'Catalog')
  async datasetUsage(@Query() query: Record<string, unknown>, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const urn = required(query, 'urn', 'a dataset URN', 1024);
    const from = parseTime('from', required(query, 'from', 'the start of the period', 40))!;
    const to = parseTime('to', required(query, 'to', 'the end of the period', 40))!;
    await serve(res, query, () => this.datasets.build(req.caller as Caller, urn, from, to), datasetUsageDocument);
  }
}

/** Checks the format first (a bad one costs no report), builds the report, renders and sends it. */
async function serve<T extends { header: ReportHeader }>(
  res: Response,
  query: Record<string, unknown>,
  build: () => Promise<T>,
  document: (r: T) => ReportDocument,
): Promise<void> {
  const format = parseFormat(query.format);
  const report = await build();
  const body = await renderReport(report, format, document);
  res.setHeader('Content-Type', REPORT_FORMATS[format]);
  res.setHeader('X-Report-Digest', report.header.digest);
  res.send(body);
}
