/**
 * Which dataset version each observed input and output is, for a whole batch, set-based. Applying a batch
 * binds exactly as applying its observations one by one would:
 * - an output, or an input with a producer-given version key, is the version with that key (an output
 *   without one is keyed by its run, so START and COMPLETE of one run name the same version); a key not
 *   seen before creates the next version;
 * - an input without a key is the dataset's latest version at that point (one created earlier in the same
 *   batch included), or a first version when the dataset has none.
 * New versions inherit ownership, domain, tags and classifications from their dataset.
 */
import { Sql } from '../../platform/database/db';
import { ConflictError } from '../../platform/errors/errors';
import { versionUrn } from '../../platform/graph/urn';
import { datasetUrn } from '../datasets/datasets.service';
import { NodeRepository, NodeUpsert } from '../nodes/node.repository';
import { NodeKind } from '../nodes/node.types';
import { DatasetKey, ObservedDataset, ObservedRun } from './run-batch.types';

export const datasetKey = (d: DatasetKey): string => datasetUrn(d.namespace, d.name);
/** The version key of an output that names none: one version per (run, dataset). */
export const runOutputKey = (runKey: string): string => `run:${runKey}`;

interface ParentRow {
  id: string;
  urn: string;
  name: string;
  namespace: string;
  dsName: string;
  latest: number;
  ownerTeam: string | null;
  domain: string | null;
  tags: string[];
  classifications: string[];
}

interface VersionState {
  id?: string;
  datasetId: string;
  version: number;
  hash: string | null;
  created: boolean;
  columns?: ObservedDataset['columns'];
  statistics?: Record<string, unknown>;
  locationUri?: string;
  properties?: Record<string, unknown>;
  /** For a stored version: what it lacks that an observation may fill in. */
  lacks?: { columns: boolean; location: boolean };
}

export interface Bindings {
  /** Version id of each run's input / output occurrence: `${runIndex}/${in|out}/${datasetUrn}`. */
  idOf(runIndex: number, role: 'in' | 'out', d: DatasetKey): string;
  created: number;
}

/** Upserts the datasets named anywhere in the batch; returns dataset id by URN. */
async function upsertDatasets(tx: Sql, nodes: NodeRepository, keys: DatasetKey[]): Promise<Map<string, string>> {
  const byUrn = new Map(keys.map((k) => [datasetKey(k), k]));
  const ids = await nodes.upsertMany(tx, [...byUrn].map(([urn, k]) => ({ kind: NodeKind.DATASET, urn, name: k.name })));
  const rows = [...byUrn].map(([urn, k]) => ({ id: ids.get(urn)!.id, namespace: k.namespace, name: k.name, inserted: ids.get(urn)!.inserted }));
  // Only datasets whose nodes this batch created get rows. Inserting the others too (ON CONFLICT DO NOTHING)
  // would wait for every concurrent batch that gave one of them a version: a conflicting row with an
  // uncommitted update is waited for, whereas a plain read is not.
  const stored = await tx.query<{ id: string; namespace: string; name: string }>(
    `WITH ins AS (INSERT INTO dataset (id, namespace, name)
                  SELECT id, namespace, name FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, namespace text, name text) ORDER BY id
                  ON CONFLICT (id) DO NOTHING)
     SELECT d.id::text AS "id", d.namespace, d.name FROM dataset d WHERE d.id = ANY($2::bigint[])`,
    [JSON.stringify(rows.filter((r) => r.inserted).map((r) => ({ id: r.id, namespace: r.namespace, name: r.name }))), rows.filter((r) => !r.inserted).map((r) => r.id)],
  );
  const wanted = new Map(rows.map((r) => [r.id, r]));
  for (const s of stored) {
    const want = wanted.get(s.id)!;
    if (s.namespace !== want.namespace || s.name !== want.name) {
      throw new ConflictError(`${datasetKey(want)} is already the dataset namespace "${s.namespace}", name "${s.name}".`);
    }
  }
  return new Map([...byUrn.keys()].map((urn) => [urn, ids.get(urn)!.id]));
}

export async function bindVersions(tx: Sql, nodes: NodeRepository, runs: readonly ObservedRun[]): Promise<Bindings> {
  const datasetIds = await upsertDatasets(tx, nodes, runs.flatMap((r) => [...r.inputs, ...r.outputs]));
  const idOfDataset = (d: DatasetKey) => datasetIds.get(datasetKey(d))!;
  // Datasets that will or may get a version (outputs, inputs with a version key) are locked in id order:
  // version numbering is serialized per dataset across transactions. Inputs bound to the latest version
  // are only read; one that turns out to need a first version is locked then, and checked unchanged.
  const claimed = new Set(runs.flatMap((r) => [...r.outputs, ...r.inputs.filter((d) => d.versionKey)].map(idOfDataset)));
  const parents = await lockAndReadParents(tx, [...claimed], [...new Set(datasetIds.values())]);
  const parentOf = new Map(parents.map((p) => [p.id, p]));
  const keys = runs.flatMap((r) => [...r.inputs.filter((d) => d.versionKey), ...r.outputs].map((d) => ({ datasetId: idOfDataset(d), hash: d.versionKey ?? runOutputKey(r.runKey) })));
  // Each dataset's latest version matters to inputs bound to it, and as the base of new version numbers.
  const state = await knownVersions(tx, keys, parents, [...parentOf.keys()]);
  const touched = new Set<VersionState>();
  const bound = new Map<string, VersionState>();
  runs.forEach((r, i) => {
    const bind = (role: 'in' | 'out', d: ObservedDataset, hash: string | null) => {
      const v = state.bind(idOfDataset(d), hash);
      merge(v, d);
      touched.add(v);
      bound.set(`${i}/${role}/${datasetKey(d)}`, v);
    };
    for (const d of r.inputs) bind('in', d, d.versionKey ?? null);
    for (const d of r.outputs) bind('out', d, d.versionKey ?? runOutputKey(r.runKey));
  });
  const unclaimed = [...touched].filter((v) => v.created && !claimed.has(v.datasetId)).map((v) => v.datasetId);
  if (unclaimed.length) await lockUnchanged(tx, [...new Set(unclaimed)], parentOf);
  await store(tx, nodes, [...touched], parentOf, state.next);
  return {
    idOf: (runIndex, role, d) => bound.get(`${runIndex}/${role}/${datasetKey(d)}`)!.id!,
    created: [...touched].filter((v) => v.created).length,
  };
}

/** Locks `claimed` datasets (id order) and reads every parent; version numbers come from the locked rows. */
function lockAndReadParents(tx: Sql, claimed: string[], parentIds: string[]): Promise<ParentRow[]> {
  return tx.query<ParentRow>(
    // FOR UPDATE returns the newest committed row version after waiting, whereas another scan of the table in
    // this statement would see the statement's snapshot.
    `WITH locked AS (
       SELECT d.id, d.latest_version FROM dataset d WHERE d.id = ANY($1::bigint[]) ORDER BY d.id FOR UPDATE)
     SELECT d.id::text AS "id", n.urn, n.name, d.namespace, d.name AS "dsName", COALESCE(l.latest_version, d.latest_version) AS "latest",
            n.owner_team AS "ownerTeam", n.domain, n.tags, n.classifications
       FROM dataset d JOIN node n ON n.id = d.id LEFT JOIN locked l ON l.id = d.id
      WHERE d.id = ANY($2::bigint[])`,
    [claimed, parentIds],
  );
}

/**
 * The versions a batch can bind to — those with the keys asked for and each dataset's latest — and a binder
 * that creates the next version for a key not seen (or a first version), as one-by-one application would.
 */
async function knownVersions(tx: Sql, keys: { datasetId: string; hash: string }[], parents: ParentRow[], parentIds: string[]) {
  const existing = await tx.query<{ id: string; datasetId: string; version: number; hash: string | null; noColumns: boolean; noLocation: boolean }>(
    // Index probes per dataset (LATERAL), whatever the planner guesses about the arrays: history grows.
    `SELECT dv.id::text AS "id", dv.dataset_id::text AS "datasetId", dv.version, dv.content_hash AS "hash",
            dv.columns = '[]'::jsonb AS "noColumns", dv.location_uri IS NULL AS "noLocation"
       FROM unnest($1::bigint[], $2::text[]) AS x(d, h)
       CROSS JOIN LATERAL (SELECT * FROM dataset_version WHERE dataset_id = x.d AND content_hash = x.h) dv
     UNION ALL
     SELECT l.* FROM unnest($3::bigint[]) AS p(id)
       CROSS JOIN LATERAL (SELECT id::text, dataset_id::text, version, content_hash, columns = '[]'::jsonb, location_uri IS NULL
                             FROM dataset_version
                            WHERE dataset_id = p.id ORDER BY version DESC LIMIT 1) l`,
    [keys.map((k) => k.datasetId), keys.map((k) => k.hash), parentIds],
  );
  const byHash = new Map<string, VersionState>();
  const latest = new Map<string, VersionState>();
  for (const e of existing) {
    const v: VersionState = {
      id: e.id, datasetId: e.datasetId, version: e.version, hash: e.hash, created: false, lacks: { columns: e.noColumns, location: e.noLocation },
    };
    if (e.hash !== null && !byHash.has(`${e.datasetId}\u0000${e.hash}`)) byHash.set(`${e.datasetId}\u0000${e.hash}`, v);
    const known = latest.get(e.datasetId);
    if (!known || known.version < e.version) latest.set(e.datasetId, v);
  }
  const next = new Map(parents.map((p) => [p.id, p.latest]));
  const create = (datasetId: string, hash: string | null): VersionState => {
    const v: VersionState = { datasetId, version: next.get(datasetId)! + 1, hash, created: true };
    next.set(datasetId, v.version);
    latest.set(datasetId, v);
    if (hash !== null) byHash.set(`${datasetId}\u0000${hash}`, v);
    return v;
  };
  return {
    next,
    bind: (datasetId: string, hash: string | null): VersionState =>
      hash !== null ? (byHash.get(`${datasetId}\u0000${hash}`) ?? create(datasetId, hash)) : (latest.get(datasetId) ?? create(datasetId, null)),
  };
}

/** Locks datasets read without a lock, and fails (retryably) when another transaction numbered a version meanwhile. */
async function lockUnchanged(tx: Sql, ids: string[], parentOf: Map<string, ParentRow>): Promise<void> {
  const rows = await tx.query<{ id: string; latest: number }>(
    `SELECT id::text AS "id", latest_version AS "latest" FROM dataset WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  if (rows.some((r) => r.latest !== parentOf.get(r.id)!.latest)) {
    throw Object.assign(new Error('A dataset got a new version concurrently; the batch is retried.'), { code: '40001' });
  }
}

function merge(v: VersionState, d: ObservedDataset): void {
  if (d.columns?.length && !v.columns?.length) v.columns = d.columns;
  if (d.statistics) v.statistics = { ...v.statistics, ...d.statistics };
  if (d.locationUri && !v.locationUri) v.locationUri = d.locationUri;
  if (d.properties) v.properties = { ...v.properties, ...d.properties };
}

/** Numbers and inserts new versions, fills what existing versions lacked; sets `id` on every state. */
async function store(tx: Sql, nodes: NodeRepository, versions: VersionState[], parentOf: Map<string, ParentRow>, next: Map<string, number>) {
  const upserts: NodeUpsert[] = versions.map((v) => {
    const p = parentOf.get(v.datasetId)!;
    return {
      kind: NodeKind.DATASET_VERSION,
      urn: versionUrn(p.urn, v.version),
      name: `${p.name}@${v.version}`,
      parentId: p.id,
      ownerTeam: p.ownerTeam,
      domain: p.domain,
      tags: p.tags,
      classifications: p.classifications,
      properties: v.properties,
    };
  });
  // New versions have numbers just taken under their datasets' locks: no need to look for them first. Known
  // versions (their ids read with them) go through the node upsert only to merge facets they are given.
  const fresh = await nodes.upsertNew(tx, upserts.filter((_, i) => versions[i].created));
  await nodes.upsertMany(tx, upserts.filter((_, i) => !versions[i].created && versions[i].properties));
  versions.forEach((v, i) => {
    if (v.created) v.id = fresh.get(upserts[i].urn)!.id;
  });
  const changed = [...next].filter(([id, n]) => parentOf.get(id)!.latest !== n);
  if (changed.length) {
    await tx.query(
      `UPDATE dataset d SET latest_version = x.n FROM unnest($1::bigint[], $2::int[]) AS x(id, n) WHERE d.id = x.id`,
      [changed.map(([id]) => id), changed.map(([, n]) => n)],
    );
  }
  // A stored version is written only where an observation adds to it (statistics are merged in SQL).
  const adds = (v: VersionState) => v.created || v.statistics || (v.lacks!.columns && v.columns?.length) || (v.lacks!.location && v.locationUri);
  const rows = versions.filter(adds).map((v) => ({
    id: v.id, dataset_id: v.datasetId, version: v.version, content_hash: v.hash, location_uri: v.locationUri ?? null,
    columns: v.columns ? v.columns : null, statistics: v.statistics ? { columns: [], ...v.statistics } : null, created: v.created,
  }));
  // New versions are inserted; existing ones are updated only where something changes (an input read again
  // with the same facets writes nothing).
  if (rows.length === 0) return;
  await tx.query(
    `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, dataset_id bigint, version int, content_hash text,
                  location_uri text, columns jsonb, statistics jsonb, created boolean)),
     ins AS (INSERT INTO dataset_version (id, dataset_id, version, content_hash, location_uri, columns, statistics)
             SELECT id, dataset_id, version, content_hash, location_uri, COALESCE(columns, '[]'), statistics FROM x WHERE created)
     UPDATE dataset_version dv SET
       columns = CASE WHEN dv.columns = '[]'::jsonb AND x.columns IS NOT NULL THEN x.columns ELSE dv.columns END,
       statistics = CASE WHEN x.statistics IS NULL THEN dv.statistics ELSE COALESCE(dv.statistics, '{"columns": []}'::jsonb) || x.statistics END,
       location_uri = COALESCE(dv.location_uri, x.location_uri)
      FROM x WHERE dv.id = x.id AND NOT x.created
       AND ((dv.columns = '[]'::jsonb AND x.columns IS NOT NULL)
         OR (x.statistics IS NOT NULL AND NOT COALESCE(dv.statistics, '{}'::jsonb) @> x.statistics)
         OR (dv.location_uri IS NULL AND x.location_uri IS NOT NULL))`,
    [JSON.stringify(rows)],
  );
}
