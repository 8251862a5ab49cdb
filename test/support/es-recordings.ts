/**
 * Recorded Elasticsearch exchanges, in order, and the connection classes that play them back or record
 * them. Playback (the default) runs on @elastic/elasticsearch-mock: every request the client sends must
 * equal the next recorded one (method, path, query string, body), and is answered with the recorded
 * status and body; anything else fails the test with the difference. `UPDATE_ES_RECORDINGS=1` keeps the
 * recorded responses but rewrites the requests from what the adapter sends now (a deliberate change of
 * the query DSL, reviewed in the diff); with ELASTICSEARCH_URL and `RECORD_ES=1` the exchanges are
 * recorded from a real cluster instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { HttpConnection, errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';

export interface Exchange {
  /** What the step was doing (for people reading the file). */
  step: string;
  request: { method: string; path: string; querystring: Record<string, string>; body: unknown };
  status: number;
  response: unknown;
}

export interface RecordingFile {
  /** Where the responses came from: a real cluster (with its version) or written from the API reference. */
  source: string;
  exchanges: Exchange[];
}

const parseBody = (raw: unknown, ndjson: boolean): unknown => {
  if (raw == null || raw === '') return null;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
  return ndjson ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) : JSON.parse(text);
};

export interface Session {
  Connection: typeof HttpConnection;
  /** Names the exchanges that follow. */
  step(name: string): void;
  /** Fails when requests did not match or recordings were left over; writes the file in update/record modes. */
  finish(): void;
}

/** Plays `file` back (or, with `update`, re-captures its requests). */
export function playback(path: string, update: boolean): Session {
  const file = JSON.parse(readFileSync(path, 'utf8')) as RecordingFile;
  const mock = new Mock();
  let position = 0;
  let step = '';
  const problems: string[] = [];
  const captured: Exchange[] = [];
  mock.add({ method: ['GET', 'POST', 'PUT', 'DELETE', 'HEAD'], path: '*' }, (params) => {
    const request = { method: String(params.method), path: String(params.path), querystring: params.querystring ?? {}, body: params.body ?? null };
    const next = file.exchanges[position++];
    if (!next) {
      problems.push(`[${step}] unexpected request ${request.method} ${request.path}: the recording has no more exchanges`);
      return new errors.ResponseError({ body: { error: 'no recording' }, statusCode: 599, headers: {}, warnings: null, meta: {} as never });
    }
    if (update) captured.push({ ...next, step, request });
    else if (JSON.stringify(next.request) !== JSON.stringify(request)) {
      problems.push(`[${step}] request ${position} differs from the recording (${next.step}):\n  recorded ${JSON.stringify(next.request)}\n  sent     ${JSON.stringify(request)}`);
    }
    return next.status >= 400
      ? new errors.ResponseError({ body: next.response, statusCode: next.status, headers: {}, warnings: null, meta: {} as never })
      : (next.response as Record<string, unknown>);
  });
  return {
    Connection: mock.getConnection() as unknown as typeof HttpConnection,
    step: (name) => (step = name),
    finish() {
      if (update) {
        writeFileSync(path, JSON.stringify({ ...file, exchanges: captured }, null, 1) + '\n');
        return;
      }
      if (position < file.exchanges.length) problems.push(`${file.exchanges.length - position} recorded exchanges were never requested (next: ${file.exchanges[position].step})`);
      if (problems.length) throw new Error(`Elasticsearch playback failed:\n${problems.join('\n')}`);
    },
  };
}

/** Records every exchange with a real cluster, in order, into `path` when finished. */
export function recorder(path: string, source: string): Session {
  const exchanges: Exchange[] = [];
  let step = '';
  class RecordingConnection extends HttpConnection {
    // The transport calls request() with or without the streaming overload; recording needs the plain one.
    async request(params: Parameters<HttpConnection['request']>[0], options: Parameters<HttpConnection['request']>[1]): Promise<any> {
      const res = (await super.request(params, options as never)) as { statusCode: number; body: string | Buffer };
      const type = String(params.headers?.['content-type'] ?? params.headers?.['Content-Type'] ?? '');
      exchanges.push({
        step,
        request: {
          method: params.method,
          path: params.path,
          querystring: Object.fromEntries(new URLSearchParams(params.querystring ?? '')),
          body: parseBody(params.body, type.includes('ndjson')),
        },
        status: res.statusCode,
        response: parseBody(res.body, false),
      });
      return res;
    }
  }
  return {
    Connection: RecordingConnection,
    step: (name) => (step = name),
    finish: () => writeFileSync(path, JSON.stringify({ source, exchanges }, null, 1) + '\n'),
  };
}
