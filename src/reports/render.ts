/**
 * Reports for people: Markdown and HTML (headings, tables, the lineage paths drawn as an SVG diagram — no raw
 * JSON). JSON is the report object itself.
 */
import { DatasetUsageReport, ModelVersionReport, PredictionReport, ReportDataItem, ReportHeader, ReportNode } from './report.types';

type Table = { head: string[]; rows: (string | number | null)[][] };

const text = (v: unknown): string => (v === null || v === undefined ? '—' : v instanceof Date ? v.toISOString() : String(v));
const kv = (o: Record<string, unknown>): string =>
  Object.keys(o).sort().map((k) => `${k}=${typeof o[k] === 'object' ? JSON.stringify(o[k]) : String(o[k])}`).join(', ') || '—';
export const label = (n: ReportNode): string => (n.withheld ? `(withheld ${n.kind.toLowerCase()})` : (n.name ?? n.urn ?? '?'));

export interface Section {
  title: string;
  lines?: string[];
  table?: Table;
  /** Draw these lineage paths (as an SVG in HTML). */
  paths?: ReportNode[][];
}

/** A report as a person reads it: a title, its header, sections. */
export interface ReportDocument {
  title: string;
  header: ReportHeader;
  sections: Section[];
}

const dataTable = (data: ReportDataItem[]): Table => ({
  head: ['kind', 'entity', 'owner team', 'domain', 'classifications', 'path to the model version'],
  rows: data.map((d) => [d.kind.toLowerCase(), d.urn, d.ownerTeam, d.domain, d.classifications.join(', ') || null, d.path.map(label).join(' → ')]),
});

const auditLine = (a: { ok: boolean; checked: number; brokenAt: string | null; reason: string | null }) =>
  a.ok ? `Audit log intact over the period (${a.checked} entries checked).` : `AUDIT LOG BROKEN at entry ${a.brokenAt}: ${a.reason}`;

export function modelVersionDocument(r: ModelVersionReport): ReportDocument {
  return { title: `Model version report: ${r.modelVersionUrn}`, header: r.header, sections: modelVersionSections(r) };
}

export function predictionDocument(r: PredictionReport): ReportDocument {
  const sections: Section[] = [
    { title: 'Prediction', table: { head: ['field', 'value'], rows: [
      ['prediction', r.predictionId], ['time', text(r.timestamp)], ['deployment', r.deploymentUrn], ['model version', r.modelVersionUrn],
      ['latency ms', r.latencyMs], ['input sha256', r.inputSha256], ['output sha256', r.outputSha256],
      ['input', r.input === null ? null : JSON.stringify(r.input)], ['output', r.output === null ? null : JSON.stringify(r.output)],
    ] } },
    { title: 'Replay', lines: [r.replay
      ? `${r.replay.reproducible ? 'Reproducible' : 'NOT reproducible'}: max absolute difference ${r.replay.maxAbsDifference} (tolerance ${r.replay.tolerance}), artifact sha256 ${r.replay.artifactSha256}.`
      : 'Not replayed (see findings).'] },
    { title: 'Attributions', table: { head: ['feature', 'value', 'attribution'], rows: (r.explanation?.attributions ?? []).map((a) => [a.feature, a.value, a.attribution]) },
      lines: r.explanation ? [`Method: ${r.explanation.method}. Prediction ${r.explanation.predictedValue}, baseline ${r.explanation.baselineValue} (${r.explanation.baselineSource}).`, `Limits: ${r.explanation.limits}`] : [] },
    { title: 'Data the model learned from', table: dataTable(r.data), paths: r.data.map((d) => d.path) },
    { title: 'Findings', lines: [...r.findings.map((f) => `${f.severity.toUpperCase()}: ${f.message}`), `Withheld from this reader: ${r.withheld}.`, auditLine(r.auditLog)] },
  ];
  return { title: `Prediction report: ${r.predictionId}`, header: r.header, sections };
}

export function datasetUsageDocument(r: DatasetUsageReport): ReportDocument {
  const sections: Section[] = [
    { title: 'Dataset', lines: [`${r.datasetUrn}, from ${text(r.from)} to ${text(r.to)}; versions: ${r.versions.join(', ') || 'none'}.`] },
    { title: 'Runs that read it', table: { head: ['run', 'kind', 'reads'], rows: r.readers.map((x) => [x.urn, x.runKind, x.reads]) } },
    { title: 'Downstream', table: { head: ['kind', 'count'], rows: r.downstream.map((d) => [d.kind.toLowerCase(), d.count]) },
      lines: [`Model versions: ${r.modelVersions.join(', ') || 'none'}.`, `Deployments: ${r.deployments.join(', ') || 'none'}.`] },
    { title: 'Who read its data', table: { head: ['principal', 'reads', 'first', 'last'], rows: r.dataAccess.map((a) => [a.principal, a.reads, text(a.first), text(a.last)]) } },
    { title: 'Findings', lines: [...r.findings.map((f) => `${f.severity.toUpperCase()}: ${f.message}`), `Withheld from this reader: ${r.withheld}.`, auditLine(r.auditLog)] },
  ];
  return { title: `Dataset usage report: ${r.datasetUrn}`, header: r.header, sections };
}

function modelVersionSections(r: ModelVersionReport): Section[] {
  return [
    { title: 'Identity', table: { head: ['field', 'value'], rows: [
      ['model', r.modelUrn], ['model version', r.modelVersionUrn], ['version', r.version], ['stage at asOf', r.stage],
      ['artifact', r.artifactUri], ['artifact sha256', r.artifactSha256], ['framework', r.framework],
    ] } },
    { title: 'Training', table: { head: ['run', 'status', 'started', 'ended', 'code version', 'GPUs', 'GPU-hours', 'energy kWh', 'params', 'metrics'],
      rows: r.trainingRuns.map((t) => [t.runId, t.status, text(t.startedAt), text(t.endedAt),
        t.codeVersion ? `${t.codeVersion.repositoryUrl ?? ''}@${t.codeVersion.commitSha ?? ''}${t.codeVersion.path ? `:${t.codeVersion.path}` : ''}` : null,
        t.gpuType ? `${t.gpuType} × ${t.gpuCount ?? 1}` : null, t.gpuHours, t.energyKwh, kv(t.params), kv(t.metrics)]) },
      lines: [`Compute over ${r.compute.trainingRuns} training run(s): ${r.compute.gpuHours} GPU-hours, ${r.compute.energyKwh} kWh.`] },
    { title: 'Data', table: dataTable(r.data), paths: r.data.map((d) => d.path) },
    { title: 'Stage history', table: { head: ['from', 'to', 'changed'], rows: r.stageChanges.map((c) => [c.fromStage, c.toStage, text(c.changedAt)]) },
      lines: [`Stage at ${text(r.header.asOf)}: ${r.stage}.`] },
    { title: 'Governance', table: { head: ['stage', 'requested by', 'reason', 'requested', 'status', 'decided by', 'decided'],
      rows: r.stageHistory.map((s) => [s.stage, s.requestedBy, s.reason, text(s.createdAt), s.status, s.decidedBy, text(s.decidedAt)]) },
      lines: [`Access policies covering it: ${r.policies.join(', ') || 'none'}.`] },
    { title: 'Serving', table: { head: ['deployment', 'environment', 'from', 'to', 'traffic share', 'predictions'],
      rows: r.serving.flatMap((d) => d.windows.map((w) => [d.urn, d.environment, text(w.from), w.to ? text(w.to) : 'serving', w.trafficShare, w.predictionCount])) } },
    { title: 'Findings', lines: [
      ...r.findings.map((f) => `${f.severity.toUpperCase()}: ${f.message}`),
      `Dead-lettered events mentioning it: ${r.deadLetters}. Withheld from this reader: ${r.withheld}.`,
      auditLine(r.auditLog),
    ] },
  ];
}

export const headerLines = (h: ReportHeader): string[] => [
  `As of ${h.asOf.toISOString()} · generated ${h.generatedAt.toISOString()} · Pedigree ${h.pedigreeVersion}`,
  `Digest (sha256 of the canonical content): ${h.digest}`,
];

const mdCell = (v: unknown) => text(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(doc: ReportDocument): string {
  const out = [`# ${doc.title}`, '', ...headerLines(doc.header).map((l) => `${l}  `), ''];
  for (const s of doc.sections) {
    out.push(`## ${s.title}`, '');
    if (s.table) {
      out.push(`| ${s.table.head.join(' | ')} |`, `| ${s.table.head.map(() => '---').join(' | ')} |`);
      for (const row of s.table.rows) out.push(`| ${row.map(mdCell).join(' | ')} |`);
      if (!s.table.rows.length) out.push(`| ${s.table.head.map((_, i) => (i ? '' : 'none')).join(' | ')} |`);
      out.push('');
    }
    for (const l of s.lines ?? []) out.push(`${l}  `);
    out.push('');
  }
  return `${out.join('\n').trim()}\n`;
}

const esc = (v: unknown) => text(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Lineage paths as boxes and arrows: one row per path, upstream on the left. */
export function pathsSvg(paths: ReportNode[][]): string {
  const width = 180;
  const gap = 40;
  const height = 36;
  const cols = Math.max(1, ...paths.map((p) => p.length));
  const parts: string[] = [];
  paths.forEach((path, row) => {
    const y = 10 + row * (height + 16);
    path.forEach((n, i) => {
      const x = 10 + (cols - path.length + i) * (width + gap);
      parts.push(`<rect x="${x}" y="${y}" width="${width}" height="${height}" rx="6" fill="${n.withheld ? '#eee' : '#eef4ff'}" stroke="#456"/>`);
      parts.push(`<text x="${x + 8}" y="${y + 22}" font-size="11" font-family="sans-serif">${esc(label(n).slice(0, 28))}</text>`);
      if (i < path.length - 1) parts.push(`<line x1="${x + width}" y1="${y + height / 2}" x2="${x + width + gap - 4}" y2="${y + height / 2}" stroke="#456" marker-end="url(#arrow)"/>`);
    });
  });
  const w = 20 + cols * (width + gap);
  const h = 20 + Math.max(1, paths.length) * (height + 16);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="lineage paths"><defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#456"/></marker></defs>${parts.join('')}</svg>`;
}

export function toHtml(doc: ReportDocument): string {
  const body: string[] = [`<h1>${esc(doc.title)}</h1>`, ...headerLines(doc.header).map((l) => `<p class="meta">${esc(l)}</p>`)];
  for (const s of doc.sections) {
    body.push(`<h2>${esc(s.title)}</h2>`);
    if (s.table) {
      body.push(`<table><thead><tr>${s.table.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>`);
      for (const row of s.table.rows) body.push(`<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`);
      if (!s.table.rows.length) body.push(`<tr><td colspan="${s.table.head.length}">none</td></tr>`);
      body.push('</tbody></table>');
    }
    if (s.paths?.length) body.push(`<figure>${pathsSvg(s.paths)}<figcaption>Lineage paths from each input to the model version</figcaption></figure>`);
    for (const l of s.lines ?? []) body.push(`<p>${esc(l)}</p>`);
  }
  const style = 'body{font-family:sans-serif;margin:2em;color:#123}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccd;padding:4px 8px;font-size:13px;text-align:left}th{background:#f3f5f9}.meta{color:#567;font-size:13px}';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.title)}</title><style>${style}</style></head><body>${body.join('\n')}</body></html>\n`;
}
