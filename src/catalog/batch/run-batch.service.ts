/**
 * Applies a batch of run observations set-based inside the caller's transaction: a fixed number of
 * statements per batch whatever its size (datasets, versions, jobs, code, runs, edges, column lineage),
 * with the same merge rules as one-at-a-time registration, so a batch and its events applied one by one
 * end in the same state. Throws on the first observation it cannot apply; callers isolate it.
 */
import { Injectable } from '@nestjs/common';
import { Sql } from '../../platform/database/db';
import { InvalidInputError } from '../../platform/errors/errors';
import { identifier, makeUrn } from '../../platform/graph/urn';
import { LineageService } from '../../lineage/lineage.service';
import { EdgeKind, NewEdge } from '../../lineage/edge.types';
import { codeVersionName, codeVersionUrn } from '../code/code.service';
import { ContextsService } from '../contexts/contexts.service';
import { CatalogWriter } from '../nodes/catalog.writer';
import { NodeKind } from '../nodes/node.types';
import { RUN_MERGE_SQL, RUN_MERGE_WHERE } from '../runs/run-merge';
import { RunStatus } from '../runs/run.types';
import { inputEdgeTime, outputEdgeTime } from '../runs/run-times';
import { bindVersions } from './version-binding';
import { ObservedRun, RunBatchResult } from './run-batch.types';

export const jobContextUrn = (job: { namespace: string; name: string }): string =>
  makeUrn(NodeKind.CONTEXT, `pipeline/${job.namespace}/${job.name}`);

const RANK: Record<RunStatus, number> = { scheduled: 0, running: 1, completed: 2, failed: 2, aborted: 2 };

/** Checks what a database constraint would otherwise refuse less clearly. */
function checkObservedRun(run: ObservedRun): void {
  identifier('runId', run.runKey, 300);
  if (run.parentRunKey !== undefined) {
    identifier('parent runId', run.parentRunKey, 300);
    if (run.parentRunKey === run.runKey) throw new InvalidInputError('The parent run is the run itself.');
  }
  if (run.startedAt && run.endedAt && run.endedAt < run.startedAt) throw new InvalidInputError('The run ends before it starts.');
  for (const d of [...run.inputs, ...run.outputs, ...run.columnLineage.flatMap((c) => [c.input, c.output])]) {
    identifier('dataset namespace', d.namespace, 300);
    identifier('dataset name', d.name, 500);
    if (d.name.includes('@')) throw new InvalidInputError(`dataset name "${d.name.slice(0, 80)}" must not contain "@", which separates versions in URNs.`);
  }
  if (run.job) identifier('job', `${run.job.namespace}/${run.job.name}`, 800);
  if (run.code) identifier('sourceCodeLocation.url', run.code.repositoryUrl, 500);
  // Facets are kept as producers send them, whatever their size or nesting (the transport bounds an event);
  // only what PostgreSQL cannot store is refused.
  for (const [field, value] of [['run facets', run.properties], ['params', run.params], ...[...run.inputs, ...run.outputs].map((d) => ['dataset facets', d.properties])] as const) {
    if (value && JSON.stringify(value).includes('\\u0000')) throw new InvalidInputError(`${field} contain a NUL character, which cannot be stored.`);
  }
}

interface RunRowTimes {
  id: string;
  startedAt: Date | null;
  endedAt: Date | null;
  inserted: boolean;
}

interface FoldedRun {
  run: ObservedRun;
  /** Known only as another run's parent: never conflicts with what is stored. */
  placeholder?: boolean;
  params: Record<string, unknown>;
  properties: Record<string, unknown>;
}

@Injectable()
export class RunBatchService {
  constructor(
    private readonly writer: CatalogWriter,
    private readonly lineage: LineageService,
    private readonly contexts: ContextsService,
  ) {}

  /** Throws InvalidInputError when one observation is not applicable (see checkObservedRun). */
  check(run: ObservedRun): void {
    checkObservedRun(run);
  }

  async apply(tx: Sql, runs: readonly ObservedRun[]): Promise<RunBatchResult> {
    if (runs.length === 0) return { runs: 0, datasetVersionsCreated: 0, edgesOpened: 0 };
    // Runs, jobs, job memberships and code edges first: binding versions locks the datasets that get new
    // versions until commit, and concurrent batches writing the same datasets wait for that lock, so the less
    // comes after it the better.
    const { idOf: runIds, times: timeOf } = await this.upsertRuns(tx, runs);
    const runOf = (r: ObservedRun) => runIds.get(r.runKey)!;
    const timesOf = (r: ObservedRun) => timeOf.get(runOf(r))!;
    const jobIds = await this.upsertJobs(tx, runs);
    await this.contexts.addMemberPairs(tx, runs.filter((r) => r.job).map((r) => ({ contextId: jobIds.get(jobContextUrn(r.job!))!, nodeId: runOf(r) })));
    const codeIds = await this.upsertCode(tx, runs);
    let opened = await this.lineage.openEdges(tx, runs.filter((r) => r.code).map((r) => ({
      fromId: codeIds.get(codeVersionUrn(r.code!.repositoryUrl, r.code!.commitSha, r.code!.path))!, toId: runOf(r), kind: EdgeKind.CODE, validFrom: inputEdgeTime(timesOf(r)),
    })));
    const bindings = await bindVersions(tx, this.writer.nodes, runs);
    const edges: NewEdge[] = [];
    const links: Parameters<LineageService['recordColumnLineage']>[1] = [];
    runs.forEach((r, i) => {
      const id = runOf(r);
      const t = timesOf(r);
      for (const d of r.inputs) edges.push({ fromId: bindings.idOf(i, 'in', d), toId: id, kind: EdgeKind.INPUT, validFrom: inputEdgeTime(t) });
      for (const d of r.outputs) edges.push({ fromId: id, toId: bindings.idOf(i, 'out', d), kind: EdgeKind.OUTPUT, validFrom: outputEdgeTime(t) });
      for (const c of r.columnLineage) {
        links.push({
          runId: id, outputId: bindings.idOf(i, 'out', c.output), outputColumn: c.column,
          inputId: bindings.idOf(i, 'in', c.input), inputColumn: c.inputColumn, transformation: c.transformation,
        });
      }
    });
    opened += await this.lineage.openEdges(tx, edges);
    // Edges recorded earlier for runs that existed before this batch take the runs' merged times; edges of
    // new runs were opened with them already.
    const existed = [...timeOf.values()].filter((t) => !t.inserted);
    await this.lineage.redateRunEdges(tx, existed.map((t) => ({ runId: t.id, inputFrom: inputEdgeTime(t), outputFrom: outputEdgeTime(t) })));
    await this.lineage.recordColumnLineage(tx, links);
    return { runs: runIds.size, datasetVersionsCreated: bindings.created, edgesOpened: opened };
  }

  /** Folds observations of one run (in batch order), adds placeholder parents, and upserts node + run rows. */
  private async upsertRuns(tx: Sql, runs: readonly ObservedRun[]): Promise<{ idOf: Map<string, string>; times: Map<string, RunRowTimes> }> {
    const folded = new Map<string, FoldedRun>();
    for (const r of runs) {
      const f = folded.get(r.runKey);
      if (!f) {
        folded.set(r.runKey, { run: { ...r }, params: { ...r.params }, properties: { ...r.properties } });
        continue;
      }
      const m = f.run;
      if (r.status && (!m.status || RANK[r.status] >= RANK[m.status])) m.status = r.status;
      if (r.startedAt && (!m.startedAt || r.startedAt < m.startedAt)) m.startedAt = r.startedAt;
      if (r.endedAt && (!m.endedAt || r.endedAt > m.endedAt)) m.endedAt = r.endedAt;
      m.parentRunKey = r.parentRunKey ?? m.parentRunKey;
      Object.assign(f.params, r.params);
      Object.assign(f.properties, r.properties);
    }
    for (const f of [...folded.values()]) {
      const parent = f.run.parentRunKey;
      if (parent && !folded.has(parent)) {
        folded.set(parent, { run: { runKey: parent, name: parent, kind: f.run.kind, status: RunStatus.SCHEDULED, inputs: [], outputs: [], columnLineage: [] }, params: {}, properties: {}, placeholder: true });
      }
    }
    const all = [...folded.values()];
    const ids = await this.writer.nodes.upsertMany(tx, all.map((f) => ({
      kind: NodeKind.RUN, urn: makeUrn(NodeKind.RUN, f.run.runKey), name: f.run.name, properties: f.properties,
    })));
    const idOf = new Map(all.map((f) => [f.run.runKey, ids.get(makeUrn(NodeKind.RUN, f.run.runKey))!.id]));
    const rows = all.map((f) => ({
      id: idOf.get(f.run.runKey), run_key: f.run.runKey, kind: f.run.kind, status: f.run.status ?? RunStatus.RUNNING,
      started_at: f.run.startedAt ?? null, ended_at: f.run.endedAt ?? null, params: f.params,
      parent_run_id: f.run.parentRunKey ? idOf.get(f.run.parentRunKey) : null,
    }));
    const merged = await tx.query<RunRowTimes>(
      `INSERT INTO run AS r (id, run_key, kind, status, started_at, ended_at, params, parent_run_id)
       SELECT id, run_key, kind, status, started_at, ended_at, params, parent_run_id
         FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, run_key text, kind text, status text, started_at timestamptz,
              ended_at timestamptz, params jsonb, parent_run_id bigint) ORDER BY id
       ON CONFLICT (id) DO UPDATE SET ${RUN_MERGE_SQL}
       WHERE ${RUN_MERGE_WHERE}
       RETURNING r.id::text AS "id", r.started_at AS "startedAt", r.ended_at AS "endedAt", (r.xmax = 0) AS "inserted"`,
      [JSON.stringify(rows)],
    );
    const times = new Map(merged.map((m) => [m.id, m]));
    if (merged.length !== rows.length) {
      const done = new Set(merged.map((m) => m.id));
      const clash = rows.find((r, i) => !done.has(r.id!) && !all[i].placeholder);
      if (clash) throw new InvalidInputError(`Run ${clash.run_key} is already registered as another kind of run, not ${clash.kind}.`);
    }
    return { idOf, times };
  }

  private async upsertJobs(tx: Sql, runs: readonly ObservedRun[]): Promise<Map<string, string>> {
    const jobs = new Map(runs.filter((r) => r.job).map((r) => [jobContextUrn(r.job!), r.job!]));
    if (jobs.size === 0) return new Map();
    const ids = await this.writer.nodes.upsertMany(tx, [...jobs].map(([urn, j]) => ({ kind: NodeKind.CONTEXT, urn, name: `${j.namespace}/${j.name}` })));
    const created = [...ids.values()].filter((v) => v.inserted).map((v) => v.id);
    if (created.length) {
      await tx.query(`INSERT INTO context (id, context_kind) SELECT unnest($1::bigint[]), 'pipeline' ON CONFLICT (id) DO NOTHING`, [created]);
    }
    return new Map([...ids].map(([urn, v]) => [urn, v.id]));
  }

  private async upsertCode(tx: Sql, runs: readonly ObservedRun[]): Promise<Map<string, string>> {
    const code = new Map(runs.filter((r) => r.code).map((r) => [codeVersionUrn(r.code!.repositoryUrl, r.code!.commitSha, r.code!.path), r.code!]));
    if (code.size === 0) return new Map();
    const ids = await this.writer.nodes.upsertMany(tx, [...code].map(([urn, c]) => ({
      kind: NodeKind.CODE_VERSION, urn, name: codeVersionName(c.repositoryUrl, c.commitSha, c.path),
    })));
    const rows = [...code].filter(([urn]) => ids.get(urn)!.inserted).map(([urn, c]) => ({
      id: ids.get(urn)!.id, repository_url: c.repositoryUrl, commit_sha: c.commitSha, path: c.path, branch: c.branch,
    }));
    if (rows.length) {
      await tx.query(
        `INSERT INTO code_version (id, repository_url, commit_sha, path, branch)
         SELECT id, repository_url, commit_sha, path, branch FROM jsonb_to_recordset($1::jsonb)
           AS x(id bigint, repository_url text, commit_sha text, path text, branch text)
         ON CONFLICT (id) DO NOTHING`,
        [JSON.stringify(rows)],
      );
    }
    return new Map([...ids].map(([urn, v]) => [urn, v.id]));
  }
}
