/** Datasets and their versions: idempotent registration, self-numbering versions, content-hash reuse. */
import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError } from '../../platform/errors/errors';
import { LineageService } from '../../lineage/lineage.service';
import { Entity } from '../nodes/node.repository';
import { CatalogWriter } from '../nodes/catalog.writer';
import { NodeKind } from '../nodes/node.types';
import { resolveRef } from '../nodes/refs';
import { identifier, makeUrn } from '../../platform/graph/urn';
import { recordProducer } from '../runs/run-times';
import { claimVersion } from '../nodes/versioning';
import { RegisterDatasetInput, RegisterDatasetVersionInput } from './dataset.types';

export function datasetUrn(namespace: string, name: string): string {
  return makeUrn(NodeKind.DATASET, `${namespace}/${name}`);
}

@Injectable()
export class DatasetsService {
  constructor(
    private readonly writer: CatalogWriter,
    private readonly lineage: LineageService,
  ) {}

  async register(input: RegisterDatasetInput): Promise<Entity> {
    identifier('namespace', input.namespace, 300);
    identifier('name', input.name, 500);
    if (input.name.includes('@')) throw new InvalidInputError(`name "${input.name}" must not contain "@", which separates versions in URNs.`);
    const fields = this.writer.nodeFields(input);
    const urn = datasetUrn(input.namespace, input.name);
    return this.writer.write(async (tx) => {
      const { id } = await this.writer.nodes.upsert(tx, { kind: NodeKind.DATASET, urn, name: input.name, ...fields });
      const [stored] = await tx.query<{ namespace: string; name: string }>(
        `INSERT INTO dataset AS d (id, namespace, name) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET namespace = d.namespace RETURNING d.namespace, d.name`,
        [id, input.namespace, input.name],
      );
      if (stored.namespace !== input.namespace || stored.name !== input.name) {
        // "a/b" + "c" and "a" + "b/c" spell the same URN; the first registration keeps it.
        throw new ConflictError(
          `${urn} is already the dataset namespace "${stored.namespace}", name "${stored.name}"; choose a namespace/name split that differs.`,
        );
      }
      return id;
    });
  }

  /**
   * Records a profile (statistics) of a dataset version: the version with `contentHash` (created when new),
   * else the latest version (a first version when there is none). Replaces earlier statistics.
   */
  async recordProfile(datasetUrn: string, contentHash: string | undefined, statistics: Record<string, unknown>): Promise<Entity> {
    this.writer.json('statistics', statistics);
    return this.writer.write(async (tx) => {
      const ref = await resolveRef(tx, 'datasetUrn', datasetUrn, NodeKind.DATASET);
      const [latest] = contentHash
        ? []
        : await tx.query<{ id: string }>(`SELECT id::text AS "id" FROM dataset_version WHERE dataset_id = $1 ORDER BY version DESC LIMIT 1`, [ref.id]);
      const id = latest?.id ?? (await this.registerVersion({ datasetUrn, contentHash })).id;
      await tx.query(`UPDATE dataset_version SET statistics = $2::jsonb WHERE id = $1`, [id, JSON.stringify({ columns: [], ...statistics })]);
      await this.writer.nodes.touch(tx, id);
      return id;
    });
  }

  async registerVersion(input: RegisterDatasetVersionInput): Promise<Entity> {
    const fields = this.writer.nodeFields(input);
    const columns = (input.columns ?? []).map((c) => ({
      name: c.name,
      type: c.type,
      description: c.description ?? null,
      classifications: [...new Set(c.classifications ?? [])],
    }));
    const duplicate = columns.find((c, i) => columns.findIndex((o) => o.name === c.name) !== i);
    if (duplicate) throw new InvalidInputError(`columns: "${duplicate.name}" appears more than once.`);
    const statistics = input.statistics
      ? { rowCount: input.statistics.rowCount ?? null, bytes: input.statistics.bytes ?? null, columns: input.statistics.columns ?? [] }
      : null;
    this.writer.json('statistics', statistics ?? undefined);
    return this.writer.write(async (tx) => {
      const ref = await resolveRef(tx, 'datasetUrn', input.datasetUrn, NodeKind.DATASET);
      const run = input.producedByRunUrn ? await resolveRef(tx, 'producedByRunUrn', input.producedByRunUrn, NodeKind.RUN) : null;
      const claim = await claimVersion(tx, this.writer.nodes, {
        kind: NodeKind.DATASET_VERSION,
        parentId: ref.id,
        hash: input.contentHash,
        fields,
        extraClassifications: columns.flatMap((c) => c.classifications),
      });
      const { id, version } = claim;
      if (claim.created) {
        await tx.query(
          `INSERT INTO dataset_version (id, dataset_id, version, content_hash, location_uri, columns, statistics)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
          [id, ref.id, version, input.contentHash ?? null, input.locationUri ?? null, JSON.stringify(columns),
            statistics ? JSON.stringify(statistics) : null],
        );
      }
      if (run) await recordProducer(tx, this.lineage, run.id, id);
      return id;
    });
  }
}
