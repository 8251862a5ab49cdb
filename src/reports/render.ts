/**
 * Reports for people: Markdown and HTML (headings, tables, the lineage paths drawn as an SVG diagram — no raw
 * JSON). JSON is the report object itself.
 */
import { ModelVersionReport, ReportDataItem, ReportNode } from './report.types';

type Table = { head: string[]; rows: (string | number | null)[][] };

const text = (v: unknown): string => (v === null || v === undefined ? '—' : v instanceof Date ? v.toISOString() : String(v));
const kv = (o: Record<string, unknown>): string =>
  Object.keys(o).sort().map((k) => `${k}=${typeof o[k] === 'object' ? JSON.stringify(o[k]) : String(o[k])}`).join(', ') || '—';
const label = (n: ReportNode): string => (n.withheld ? `(withheld ${n.kind.toLowerCase()})` : (n.name ?? n.urn ?? '?'));

interface Section {
  title: string;
  lines?: string[];
  table?: Table;
}

function sections(r: ModelVersionReport): Section[] {
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
    { title: 'Data', table: { head: ['kind', 'entity', 'owner team', 'domain', 'classifications', 'path to the model version'],
      rows: r.data.map((d: ReportDataItem) => [d.kind.toLowerCase(), d.urn, d.ownerTeam, d.domain, d.classifications.join(', ') || null, d.path.map(label).join(' → ')]) } },
    { title: 'Governance', table: { head: ['stage', 'requested by', 'reason', 'requested', 'status', 'decided by', 'decided'],
      rows: r.stageHistory.map((s) => [s.stage, s.requestedBy, s.reason, text(s.createdAt), s.status, s.decidedBy, text(s.decidedAt)]) },
      lines: [`Access policies covering it: ${r.policies.join(', ') || 'none'}.`] },
    { title: 'Serving', table: { head: ['deployment', 'environment', 'from', 'to', 'traffic share', 'predictions'],
      rows: r.serving.flatMap((d) => d.windows.map((w) => [d.urn, d.environment, text(w.from), w.to ? text(w.to) : 'serving', w.trafficShare, w.predictionCount])) } },
    { title: 'Findings', lines: [
      ...r.findings.map((f) => `${f.severity.toUpperCase()}: ${f.message}`),
      `Dead-lettered events mentioning it: ${r.deadLetters}. Withheld from this reader: ${r.withheld}.`,
      r.auditLog.ok ? `Audit log intact over the period (${r.auditLog.checked} entries checked).`
        : `AUDIT LOG BROKEN at entry ${r.auditLog.brokenAt}: ${r.auditLog.reason}`,
    ] },
  ];
}

const headerLines = (r: ModelVersionReport): string[] => [
  `As of ${r.header.asOf.toISOString()} · generated ${r.header.generatedAt.toISOString()} · Pedigree ${r.header.pedigreeVersion}`,
  `Digest (sha256 of the canonical content): ${r.header.digest}`,
];

const mdCell = (v: unknown) => text(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(r: ModelVersionReport): string {
  const out = [`# Model version report: ${r.modelVersionUrn}`, '', ...headerLines(r).map((l) => `${l}  `), ''];
  for (const s of sections(r)) {
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

/** The data's lineage paths as boxes and arrows: one row per path, upstream on the left. */
export function pathsSvg(r: ModelVersionReport): string {
  const paths = r.data.map((d) => d.path);
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

export function toHtml(r: ModelVersionReport): string {
  const body: string[] = [`<h1>Model version report: ${esc(r.modelVersionUrn)}</h1>`, ...headerLines(r).map((l) => `<p class="meta">${esc(l)}</p>`)];
  for (const s of sections(r)) {
    body.push(`<h2>${esc(s.title)}</h2>`);
    if (s.table) {
      body.push(`<table><thead><tr>${s.table.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>`);
      for (const row of s.table.rows) body.push(`<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`);
      if (!s.table.rows.length) body.push(`<tr><td colspan="${s.table.head.length}">none</td></tr>`);
      body.push('</tbody></table>');
    }
    if (s.title === 'Data' && r.data.length) body.push(`<figure>${pathsSvg(r)}<figcaption>Lineage paths from each input to the model version</figcaption></figure>`);
    for (const l of s.lines ?? []) body.push(`<p>${esc(l)}</p>`);
  }
  const style = 'body{font-family:sans-serif;margin:2em;color:#123}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccd;padding:4px 8px;font-size:13px;text-align:left}th{background:#f3f5f9}.meta{color:#567;font-size:13px}';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(r.modelVersionUrn)}</title><style>${style}</style></head><body>${body.join('\n')}</body></html>\n`;
}
