/**
 * What the catalog says about each searchable entity, for the search index: identity, text (name, description,
 * column names and descriptions of a dataset's latest version, a feature view's features, a run's job, a
 * code version's repository), ownership facets, the platform of a dataset (its namespace scheme) and a usage
 * signal (distinct runs that read a dataset in the last 30 days; deployments a model or version serves now —
 * edges asked of the lineage service). Dataset versions are indexed as their dataset; a model version also
 * refreshes its model.
 */
import { Injectable } from '@nestjs/common';
import { EdgeKind } from '../../lineage/edge.types';
import { LineageService } from '../../lineage/lineage.service';
import { Db } from '../../platform/database/db';

export interface SearchDocument {
  nodeId: string;
  kind: string;
  urn: string;
  name: string;
  description: string | null;
  columns: string;
  columnDescriptions: string;
  detail: string;
  domain: string | null;
  ownerTeam: string | null;
  tags: string[];
  classifications: string[];
  platform: string | null;
  usage: number;
  /**
   * Orders documents of one entity: microseconds since the epoch at the start of the statement that read
   * it (a decimal string). A change committed after that read is indexed by a later build with a greater
   * version, so an index keeps the greatest and never goes back to stale content.
   */
  version: string;
}

/** How far back runs reading a dataset count as usage. */
const USAGE_WINDOW_MS = 30 * 86_400_000;

export const SEARCHABLE_KINDS = ['dataset', 'feature_view', 'model', 'model_version', 'run', 'deployment', 'code_version'];

const DOCUMENTS_SQL = `
SELECT n.id::text AS "nodeId", n.kind, n.urn, n.name, n.description, n.domain, n.owner_team AS "ownerTeam",
       n.tags, n.classifications,
       CASE WHEN n.kind = 'dataset' THEN nullif(split_part(d.namespace, '://', 1), '') END AS platform,
       COALESCE(cols.names, feats.names, '') AS columns,
       COALESCE(cols.descriptions, feats.descriptions, '') AS "columnDescriptions",
       concat_ws(' ', r.run_key, n.properties->'openlineage:job'->>'name', cv.repository_url, cv.path, dep.environment) AS detail,
       0::float8 AS usage,
       (extract(epoch FROM statement_timestamp()) * 1000000)::bigint::text AS version
  FROM node n
  LEFT JOIN dataset d ON n.kind = 'dataset' AND d.id = n.id
  LEFT JOIN run r ON n.kind = 'run' AND r.id = n.id
  LEFT JOIN code_version cv ON n.kind = 'code_version' AND cv.id = n.id
  LEFT JOIN deployment dep ON n.kind = 'deployment' AND dep.id = n.id
  LEFT JOIN LATERAL (
    SELECT string_agg(c->>'name', ' ') AS names, string_agg(c->>'description', ' ') AS descriptions
      FROM dataset_version dv CROSS JOIN jsonb_array_elements(dv.columns) c
     WHERE n.kind = 'dataset' AND dv.dataset_id = n.id AND dv.version = d.latest_version) cols ON true
  LEFT JOIN LATERAL (
    SELECT string_agg(f.name, ' ') AS names, string_agg(f.description, ' ') AS descriptions
      FROM feature f WHERE n.kind = 'feature_view' AND f.feature_view_id = n.id) feats ON true
 WHERE n.kind = ANY($2::text[])
   -- index probes for the entities the changed nodes belong to (a version counts for its dataset or model)
   AND n.id = ANY(ARRAY(
     SELECT DISTINCT x.id FROM node c
      CROSS JOIN LATERAL (VALUES (CASE WHEN c.kind = 'dataset_version' THEN c.parent_id ELSE c.id END),
                                 (CASE WHEN c.kind = 'model_version' THEN c.parent_id END)) AS x(id)
      WHERE c.id = ANY($1::bigint[]) AND x.id IS NOT NULL))`;

@Injectable()
export class SearchDocumentsService {
  constructor(
    private readonly db: Db,
    private readonly lineage: LineageService,
  ) {}

  /** Documents for the entities these node ids belong to (ids of unsearchable kinds yield nothing). */
  async documents(nodeIds: readonly string[]): Promise<SearchDocument[]> {
    if (!nodeIds.length) return [];
    const docs = await this.db.query<SearchDocument>(DOCUMENTS_SQL, [nodeIds, SEARCHABLE_KINDS]);
    await this.addUsage(docs);
    return docs;
  }

  /** Datasets: distinct runs that read any version in the last 30 days. Models and versions: deployments served now. */
  private async addUsage(docs: SearchDocument[]): Promise<void> {
    const ofKind = (kind: string) => docs.filter((d) => d.kind === kind).map((d) => d.nodeId);
    const [reads, servedByModels, servedByVersions] = await Promise.all([
      this.lineage.distinctTargetCounts(ofKind('dataset'), 'children', EdgeKind.INPUT, new Date(Date.now() - USAGE_WINDOW_MS)),
      this.lineage.distinctTargetCounts(ofKind('model'), 'children', EdgeKind.SERVES),
      this.lineage.distinctTargetCounts(ofKind('model_version'), 'self', EdgeKind.SERVES),
    ]);
    for (const d of docs) d.usage = reads.get(d.nodeId) ?? servedByModels.get(d.nodeId) ?? servedByVersions.get(d.nodeId) ?? 0;
  }

  /** Every node id, in pages, for a full reindex. */
  async nodeIdPage(afterId: string, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(`SELECT n.id::text AS id FROM node n WHERE n.id > $1 ORDER BY n.id LIMIT $2`, [afterId, limit]);
    return rows.map((r) => r.id);
  }
}
