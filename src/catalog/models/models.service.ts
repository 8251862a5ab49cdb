/**
 * Models and model versions: self-numbering versions, artifact-hash reuse, and stage changes with the
 * "one production version per model" rule enforced by a unique index (so races cannot break it).
 */
import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError } from '../../platform/errors/errors';
import { LineageService } from '../../lineage/lineage.service';
import { Entity } from '../nodes/node.repository';
import { CatalogWriter } from '../nodes/catalog.writer';
import { NodeKind } from '../nodes/node.types';
import { resolveRef } from '../nodes/refs';
import { identifier, makeUrn } from '../../platform/graph/urn';
import { recordProducer } from '../runs/run-times';
import { claimVersion, lockModel } from '../nodes/versioning';
import { ModelStage, RegisterModelInput, RegisterModelVersionInput, SetModelVersionStageInput } from './model.types';

@Injectable()
export class ModelsService {
  constructor(
    private readonly writer: CatalogWriter,
    private readonly lineage: LineageService,
  ) {}

  async register(input: RegisterModelInput): Promise<Entity> {
    identifier('name', input.name, 300);
    if (input.name.includes('@')) throw new InvalidInputError(`name "${input.name}" must not contain "@", which separates versions in URNs.`);
    const fields = this.writer.nodeFields(input);
    return this.writer.write(async (tx) => {
      const { id } = await this.writer.nodes.upsert(tx, {
        kind: NodeKind.MODEL,
        urn: makeUrn(NodeKind.MODEL, input.name),
        name: input.name,
        ...fields,
      });
      await tx.query(`INSERT INTO model (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [id]);
      return id;
    });
  }

  async registerVersion(input: RegisterModelVersionInput): Promise<Entity> {
    const fields = this.writer.nodeFields(input);
    const metrics = this.writer.json('metrics', input.metrics);
    const params = this.writer.json('params', input.params);
    const signature = input.signature ?? null;
    this.writer.json('signature', signature ?? undefined);
    const sha = input.artifactSha256?.toLowerCase() ?? null;
    return this.writer.write(async (tx) => {
      const ref = await resolveRef(tx, 'modelUrn', input.modelUrn, NodeKind.MODEL);
      const run = input.trainedByRunUrn ? await resolveRef(tx, 'trainedByRunUrn', input.trainedByRunUrn, NodeKind.RUN) : null;
      const claim = await claimVersion(tx, this.writer.nodes, { kind: NodeKind.MODEL_VERSION, parentId: ref.id, hash: sha, fields });
      const { id, version } = claim;
      if (claim.created) {
        await tx.query(
          `INSERT INTO model_version (id, model_id, version, artifact_uri, artifact_sha256, framework, signature, metrics, params)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, COALESCE($8::jsonb, '{}'), COALESCE($9::jsonb, '{}'))`,
          [id, ref.id, version, input.artifactUri ?? null, sha, input.framework ?? null,
            signature ? JSON.stringify(signature) : null, metrics ? JSON.stringify(metrics) : null,
            params ? JSON.stringify(params) : null],
        );
      }
      if (run) await recordProducer(tx, this.lineage, run.id, id);
      return id;
    });
  }

  /** Model version ids by URN (URNs that are not model versions are absent). */
  async versionIdsByUrns(urns: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.writer.db.query<{ urn: string; id: string }>(
      `SELECT urn, id::text AS id FROM node WHERE urn = ANY($1::text[]) AND kind = 'model_version'`,
      [urns],
    );
    return new Map(rows.map((r) => [r.urn, r.id]));
  }

  /** The URN of a model's version with this artifact hash, if registered. */
  async versionUrnByArtifact(modelUrn: string, sha256: string): Promise<string | undefined> {
    const [row] = await this.writer.db.query<{ urn: string }>(
      `SELECT n.urn FROM model_version v JOIN node n ON n.id = v.id JOIN node m ON m.id = v.model_id
        WHERE m.urn = $1 AND v.artifact_sha256 = $2`,
      [modelUrn, sha256.toLowerCase()],
    );
    return row?.urn;
  }

  /**
   * Moves a version to a stage. `production` only with `approved` (set by an approved four-eyes stage
   * request, StageRequestsService): anything else asking for it is told how to ask.
   */
  async setStage(input: SetModelVersionStageInput, opts: { approved?: boolean } = {}): Promise<Entity> {
    if (input.stage === ModelStage.PRODUCTION && !opts.approved) {
      throw new ConflictError(
        `Moving ${input.urn} to production needs four eyes: call requestStageChange, then another principal with approve on it ` +
          'approves with decideStageChange.',
      );
    }
    return this.writer.write(async (tx) => {
      const ref = await resolveRef(tx, 'urn', input.urn, NodeKind.MODEL_VERSION, { write: true });
      const [{ modelId }] = await tx.query<{ modelId: string }>(
        `SELECT model_id::text AS "modelId" FROM model_version WHERE id = $1`,
        [ref.id],
      );
      await lockModel(tx, modelId);
      if (input.stage === ModelStage.PRODUCTION) {
        const current = await tx.query<{ id: string; urn: string }>(
          `SELECT v.id::text AS "id", n.urn FROM model_version v JOIN node n ON n.id = v.id
            WHERE v.model_id = $1 AND v.stage = 'production' AND v.id <> $2`,
          [modelId, ref.id],
        );
        if (current[0] && !input.archiveExisting) {
          throw new ConflictError(
            `${current[0].urn} is already in production; archive it first or pass archiveExisting: true.`,
            { productionVersion: current[0].urn },
          );
        }
        if (current[0]) {
          await tx.query(`UPDATE model_version SET stage = 'archived', stage_changed_at = now() WHERE id = $1`, [current[0].id]);
          await this.writer.nodes.touch(tx, current[0].id);
        }
      }
      const changed = await tx.query(
        `UPDATE model_version SET stage = $2, stage_changed_at = now() WHERE id = $1 AND stage <> $2 RETURNING id`,
        [ref.id, input.stage],
      );
      if (changed.length) await this.writer.nodes.touch(tx, ref.id);
      return ref.id;
    });
  }
}
