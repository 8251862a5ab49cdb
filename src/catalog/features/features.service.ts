/** Feature views and their features. Owns `feature_view` and `feature`. */
import { Injectable } from '@nestjs/common';
import { Db } from '../../platform/database/db';
import { groupRows } from '../../platform/database/group';
import { InvalidInputError } from '../../platform/errors/errors';
import { LineageService } from '../../lineage/lineage.service';
import { EdgeKind } from '../../lineage/edge.types';
import { Entity } from '../nodes/node.repository';
import { CatalogWriter } from '../nodes/catalog.writer';
import { NodeKind } from '../nodes/node.types';
import { resolveRef } from '../nodes/refs';
import { identifier, makeUrn } from '../../platform/graph/urn';
import { Feature, RegisterFeatureViewInput } from './feature.types';

@Injectable()
export class FeaturesService {
  constructor(
    private readonly writer: CatalogWriter,
    private readonly lineage: LineageService,
    private readonly db: Db,
  ) {}

  async register(input: RegisterFeatureViewInput): Promise<Entity> {
    identifier('name', input.name, 300);
    const names = input.features.map((f) => f.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new InvalidInputError(`features: "${dup}" appears more than once.`);
    const fields = this.writer.nodeFields(input);
    return this.writer.write(async (tx) => {
      const source = input.sourceDatasetUrn ? await resolveRef(tx, 'sourceDatasetUrn', input.sourceDatasetUrn, NodeKind.DATASET) : null;
      const { id } = await this.writer.nodes.upsert(tx, {
        kind: NodeKind.FEATURE_VIEW,
        urn: makeUrn(NodeKind.FEATURE_VIEW, input.name),
        name: input.name,
        ...fields,
      });
      await tx.query(
        `INSERT INTO feature_view AS f (id, entities, source_dataset_id) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET entities = EXCLUDED.entities,
           source_dataset_id = COALESCE(EXCLUDED.source_dataset_id, f.source_dataset_id)`,
        [id, [...new Set(input.entities)], source?.id ?? null],
      );
      if (input.features.length) {
        await tx.query(
          `INSERT INTO feature AS f (feature_view_id, name, dtype, description)
           SELECT $1, n, d, x FROM unnest($2::text[], $3::text[], $4::text[]) AS u(n, d, x)
           ON CONFLICT (feature_view_id, name) DO UPDATE SET dtype = EXCLUDED.dtype,
             description = COALESCE(EXCLUDED.description, f.description)`,
          [id, names, input.features.map((f) => f.dtype), input.features.map((f) => f.description ?? null)],
        );
      }
      if (source) await this.lineage.openEdges(tx, [{ fromId: source.id, toId: id, kind: EdgeKind.SOURCE }]);
      return id;
    });
  }

  async featuresOf(viewIds: readonly string[]): Promise<Map<string, Feature[]>> {
    const rows = await this.db.query<Feature & { viewId: string }>(
      `SELECT feature_view_id::text AS "viewId", name, dtype, description FROM feature
        WHERE feature_view_id = ANY($1::bigint[]) ORDER BY feature_view_id, id`,
      [viewIds],
    );
    return groupRows(viewIds, rows, (r) => r.viewId, ({ viewId: _v, ...feature }) => feature);
  }
}
