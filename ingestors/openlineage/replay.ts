/**
 * Replays OpenLineage events from JSON-lines files (one RunEvent per line, e.g. an export from another
 * lineage server) into Pedigree over its HTTP API, in batches. A line that is not JSON is still sent (as a
 * JSON string) so the server keeps it as a dead letter with the reason, next to every other failure.
 */
import { createReadStream, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HttpSender, safeJson, SendTotals } from '../shared/http-sender';

export const EVENT_FILE = /\.(jsonl|ndjson|json)$/i;

export interface ReplayOptions {
  url: string;
  apiKey: string;
  batchSize: number;
  concurrency: number;
  /** Bytes read so far, of `totalBytes`. */
  onProgress?: (bytesRead: number, events: number) => void;
}

/** The event files under the given paths (files as given, directories searched recursively), sorted. */
export function eventFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (path: string, top: boolean) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new Error(`${path}: no such file or directory`);
    }
    if (stat.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name), false);
    else if (top || EVENT_FILE.test(path)) out.push(path);
  };
  for (const p of paths) walk(p, true);
  return out;
}

export async function replayFiles(files: string[], options: ReplayOptions): Promise<SendTotals> {
  const sender = new HttpSender({ url: options.url, apiKey: options.apiKey, concurrency: options.concurrency });
  let bytes = 0;
  let events = 0;
  let batch: string[] = [];
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      bytes += Buffer.byteLength(line) + 1;
      const text = line.trim();
      if (!text) continue;
      events += 1;
      batch.push(safeJson(text) !== undefined ? text : JSON.stringify(text));
      if (batch.length >= options.batchSize) {
        await sender.send(batch);
        batch = [];
        options.onProgress?.(bytes, events);
      }
    }
  }
  if (batch.length) await sender.send(batch);
  options.onProgress?.(bytes, events);
  return sender.flush();
}
