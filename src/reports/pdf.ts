/**
 * Reports as PDF (pdf-lib, standard Helvetica): the same document as the HTML — title, header, headings,
 * tables with wrapped cells, the lineage paths drawn as boxes and arrows — paginated on A4.
 */
import { PDFDocument, PDFFont, PDFPage, rgb, StandardFonts } from 'pdf-lib';
import type { ReportDocument } from './render';
import { headerLines, label } from './render';
import type { ReportNode } from './report.types';

const PAGE = { width: 595, height: 842, margin: 40 };
const WIDTH = PAGE.width - 2 * PAGE.margin;
const INK = rgb(0.07, 0.13, 0.2);
const LINE = rgb(0.6, 0.65, 0.72);

/** Standard fonts speak WinAnsi only: spell out what it lacks. */
function winAnsi(font: PDFFont): (text: string) => string {
  const known = new Set(font.getCharacterSet());
  return (text) => [...text.replace(/→/g, '->').replace(/\s+/g, ' ')].map((c) => (known.has(c.codePointAt(0)!) ? c : '?')).join('');
}

class Writer {
  page!: PDFPage;
  y = 0;
  constructor(
    readonly pdf: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    readonly clean: (text: string) => string,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.pdf.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - PAGE.margin;
  }

  room(height: number): void {
    if (this.y - height < PAGE.margin) this.newPage();
  }

  wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    let line = '';
    for (const word of this.clean(text).split(' ')) {
      let w = word;
      while (font.widthOfTextAtSize(w, size) > width) {
        let cut = w.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(w.slice(0, cut), size) > width) cut--;
        if (line) lines.push(line);
        lines.push(w.slice(0, cut));
        line = '';
        w = w.slice(cut);
      }
      const next = line ? `${line} ${w}` : w;
      if (font.widthOfTextAtSize(next, size) > width && line) {
        lines.push(line);
        line = w;
      } else line = next;
    }
    if (line) lines.push(line);
    return lines.length ? lines : [''];
  }

  text(text: string, size = 9, font = this.regular, gapAfter = 3): void {
    for (const line of this.wrap(text, font, size, WIDTH)) {
      this.room(size + 2);
      this.page.drawText(line, { x: PAGE.margin, y: this.y - size, size, font, color: INK });
      this.y -= size + 2;
    }
    this.y -= gapAfter;
  }

  table(head: string[], rows: (string | number | null)[][]): void {
    const size = 7.5;
    const cells = [head, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
    const longest = head.map((_, i) => Math.min(60, Math.max(...cells.map((r) => r[i]?.length ?? 0), 4)));
    const total = longest.reduce((a, b) => a + b, 0);
    const widths = longest.map((l) => (l / total) * WIDTH);
    cells.forEach((row, r) => {
      const font = r === 0 ? this.bold : this.regular;
      const wrapped = row.map((c, i) => this.wrap(c, font, size, widths[i] - 4));
      const height = Math.max(...wrapped.map((w) => w.length)) * (size + 1.5) + 4;
      this.room(height);
      let x = PAGE.margin;
      wrapped.forEach((lines, i) => {
        this.page.drawRectangle({ x, y: this.y - height, width: widths[i], height, borderColor: LINE, borderWidth: 0.5, color: r === 0 ? rgb(0.95, 0.96, 0.98) : undefined });
        lines.forEach((l, k) => this.page.drawText(l, { x: x + 2, y: this.y - 2 - (k + 1) * (size + 1.5) + 1.5, size, font, color: INK }));
        x += widths[i];
      });
      this.y -= height;
    });
    this.y -= 6;
  }

  paths(paths: ReportNode[][]): void {
    const cols = Math.max(1, ...paths.map((p) => p.length));
    const gap = 14;
    const box = (WIDTH - (cols - 1) * gap) / cols;
    const height = 22;
    for (const path of paths) {
      this.room(height + 8);
      path.forEach((n, i) => {
        const x = PAGE.margin + (cols - path.length + i) * (box + gap);
        this.page.drawRectangle({ x, y: this.y - height, width: box, height, borderColor: INK, borderWidth: 0.6, color: n.withheld ? rgb(0.92, 0.92, 0.92) : rgb(0.93, 0.96, 1) });
        const text = this.wrap(label(n), this.regular, 6.5, box - 4)[0];
        this.page.drawText(text, { x: x + 2, y: this.y - height / 2 - 2, size: 6.5, font: this.regular, color: INK });
        if (i < path.length - 1) {
          const y = this.y - height / 2;
          this.page.drawLine({ start: { x: x + box, y }, end: { x: x + box + gap - 2, y }, thickness: 0.8, color: INK });
          this.page.drawLine({ start: { x: x + box + gap - 5, y: y + 2.5 }, end: { x: x + box + gap - 2, y }, thickness: 0.8, color: INK });
          this.page.drawLine({ start: { x: x + box + gap - 5, y: y - 2.5 }, end: { x: x + box + gap - 2, y }, thickness: 0.8, color: INK });
        }
      });
      this.y -= height + 8;
    }
    this.y -= 4;
  }
}

export async function toPdf(doc: ReportDocument): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(doc.title);
  pdf.setProducer(`Pedigree ${doc.header.pedigreeVersion}`);
  // The document's own dates are the report's, so the same report renders to the same bytes.
  pdf.setCreationDate(doc.header.generatedAt);
  pdf.setModificationDate(doc.header.generatedAt);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const w = new Writer(pdf, regular, bold, winAnsi(regular));
  w.text(doc.title, 15, bold, 6);
  for (const line of headerLines(doc.header)) w.text(line, 8);
  for (const s of doc.sections) {
    w.room(40);
    w.y -= 6;
    w.text(s.title, 12, bold, 4);
    if (s.table) w.table(s.table.head, s.table.rows.length ? s.table.rows : [s.table.head.map((_, i) => (i ? '' : 'none'))]);
    if (s.paths?.length) w.paths(s.paths);
    for (const line of s.lines ?? []) w.text(line);
  }
  return Buffer.from(await pdf.save());
}
