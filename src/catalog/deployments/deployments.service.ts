/**
 * Deployments and their append-only revision history (which model version served, with what traffic
 * share, from when to when). A revision closes the open ones and opens new ones; SERVES edges follow.
 * Owns `deployment` and `deployment_revision`.
 */
import { Injectable } from '@nestjs/common';
import { Db, Sql } from '../../platform/database/db';
import { groupRows } from '../../platform/database/group';
import { ConflictError, InvalidInputError } from '../../platform/errors/errors';
import { LineageService } from '../../lineage/lineage.service';
import { EdgeKind } from '../../lineage/edge.types';
import { Entity } from '../nodes/node.repository';
import { CatalogWriter } from '../nodes/catalog.writer';
import { NodeKind } from '../nodes/node.types';
import { resolveRef, resolveRefs } from '../nodes/refs';
import { identifier, makeUrn } from '../../platform/graph/urn';
import { DeploymentRevision, RegisterDeploymentInput, ReviseDeploymentInput } from './deployment.types';

const REVISION_COLUMNS = `r.id::text AS "id", r.deployment_id::text AS "deploymentId",
  r.model_version_id::text AS "modelVersionId", r.traffic_share::float8 AS "trafficShare",
  r.valid_from AS "validFrom", r.valid_to AS "validTo", r.recorded_at AS "recordedAt"`;

export interface ServingHistory {
  id: string;
  urn: string;
  predictionPayloads: 'store' | 'hash';
  revisions: { modelVersionId: string; validFrom: Date; validTo: Date | null }[];
}

/** Revisions listed per deployment in one answer (newest kept). */
export const MAX_REVISIONS_LISTED = 1000;

@Injectable()
export class DeploymentsService {
  constructor(
    private readonly writer: CatalogWriter,
    private readonly lineage: LineageService,
    private readonly db: Db,
  ) {}

  async register(input: RegisterDeploymentInput): Promise<Entity> {
    identifier('name', input.name, 300);
    const fields = this.writer.nodeFields(input);
    return this.writer.write(async (tx) => {
      const { id } = await this.writer.nodes.upsert(tx, {
        kind: NodeKind.DEPLOYMENT,
        urn: makeUrn(NodeKind.DEPLOYMENT, input.name),
        name: input.name,
        ...fields,
      });
      await tx.query(
        `INSERT INTO deployment AS d (id, environment, prediction_payloads) VALUES ($1, $2, COALESCE($3, 'store'))
         ON CONFLICT (id) DO UPDATE SET environment = COALESCE(EXCLUDED.environment, d.environment),
           prediction_payloads = COALESCE($3, d.prediction_payloads)`,
        [id, input.environment ?? null, input.predictionPayloads ?? null],
      );
      return id;
    });
  }

  async revise(input: ReviseDeploymentInput): Promise<Entity> {
    const total = input.traffic.reduce((sum, t) => sum + t.trafficShare, 0);
    if (total > 1 + 1e-9) throw new InvalidInputError(`Traffic shares add up to ${total.toFixed(5)}; they may add up to at most 1.`);
    const urns = input.traffic.map((t) => t.modelVersionUrn);
    const dup = urns.find((u, i) => urns.indexOf(u) !== i);
    if (dup) throw new InvalidInputError(`${dup} appears more than once in traffic.`);
    return this.writer.write(async (tx) => {
      const deployment = await resolveRef(tx, 'deploymentUrn', input.deploymentUrn, NodeKind.DEPLOYMENT, { write: true });
      const versions = await resolveRefs(
        tx,
        input.traffic.map((t, i) => ({ field: `traffic[${i}].modelVersionUrn`, urn: t.modelVersionUrn, kinds: [NodeKind.MODEL_VERSION] })),
      );
      const wanted = new Map(versions.map((v, i) => [v.id, input.traffic[i].trafficShare]));
      const { open, lastChange } = await this.lockHistory(tx, deployment.id);
      const unchanged =
        open.length === wanted.size && open.every((r) => Math.abs((wanted.get(r.modelVersionId) ?? -1) - r.trafficShare) < 1e-9);
      if (unchanged) return deployment.id;
      const validFrom = input.validFrom ?? new Date();
      if (lastChange && validFrom < lastChange) {
        throw new ConflictError(
          `validFrom ${validFrom.toISOString()} precedes the latest revision (${lastChange.toISOString()}); revision history is append-only.`,
        );
      }
      await tx.query(`UPDATE deployment_revision SET valid_to = $2 WHERE deployment_id = $1 AND valid_to IS NULL`, [
        deployment.id,
        validFrom,
      ]);
      if (wanted.size) {
        await tx.query(
          `INSERT INTO deployment_revision (deployment_id, model_version_id, traffic_share, valid_from)
           SELECT $1, mv, share, $4 FROM unnest($2::bigint[], $3::numeric[]) AS x(mv, share)`,
          [deployment.id, [...wanted.keys()], [...wanted.values()], validFrom],
        );
      }
      const before = new Set(open.map((r) => r.modelVersionId));
      const serves = (ids: string[]) => ids.map((id) => ({ fromId: id, toId: deployment.id, kind: EdgeKind.SERVES }));
      await this.lineage.closeEdges(tx, serves([...before].filter((id) => !wanted.has(id))), validFrom);
      await this.lineage.openEdges(tx, serves([...wanted.keys()].filter((id) => !before.has(id))).map((e) => ({ ...e, validFrom })));
      await this.writer.nodes.touch(tx, deployment.id);
      return deployment.id;
    });
  }

  /** Locks the deployment for the rest of the transaction and reads its open revisions and latest change. */
  private async lockHistory(tx: Sql, deploymentId: string): Promise<{ open: DeploymentRevision[]; lastChange: Date | null }> {
    await tx.query(`SELECT id FROM deployment WHERE id = $1 FOR UPDATE`, [deploymentId]);
    const open = await tx.query<DeploymentRevision>(
      `SELECT ${REVISION_COLUMNS} FROM deployment_revision r WHERE r.deployment_id = $1 AND r.valid_to IS NULL`,
      [deploymentId],
    );
    const [{ last }] = await tx.query<{ last: Date | null }>(
      `SELECT max(GREATEST(valid_from, COALESCE(valid_to, valid_from))) AS "last" FROM deployment_revision WHERE deployment_id = $1`,
      [deploymentId],
    );
    return { open, lastChange: last };
  }

  /**
   * What prediction logging needs to attribute records: for each deployment reference (URN or numeric id)
   * the deployment, its payload policy and its whole revision history (oldest first). Unknown refs are absent.
   */
  async servingHistories(refs: readonly string[]): Promise<Map<string, ServingHistory>> {
    const ids = refs.filter((r) => /^\d{1,18}$/.test(r));
    const rows = await this.db.query<{ id: string; urn: string; payloads: 'store' | 'hash' }>(
      `SELECT n.id::text AS id, n.urn, d.prediction_payloads AS payloads
         FROM node n JOIN deployment d ON d.id = n.id
        WHERE n.urn = ANY($1::text[]) OR n.id = ANY($2::bigint[])`,
      [refs, ids],
    );
    const revisions = await this.db.query<{ deploymentId: string; modelVersionId: string; validFrom: Date; validTo: Date | null }>(
      `SELECT deployment_id::text AS "deploymentId", model_version_id::text AS "modelVersionId", valid_from AS "validFrom", valid_to AS "validTo"
         FROM deployment_revision WHERE deployment_id = ANY($1::bigint[]) ORDER BY valid_from, id`,
      [rows.map((r) => r.id)],
    );
    const byDeployment = groupRows(
      rows.map((r) => r.id),
      revisions,
      (r) => r.deploymentId,
    );
    const out = new Map<string, ServingHistory>();
    for (const row of rows) {
      const history = { id: row.id, urn: row.urn, predictionPayloads: row.payloads, revisions: byDeployment.get(row.id) ?? [] };
      out.set(row.urn, history);
      out.set(row.id, history);
    }
    return new Map(refs.filter((r) => out.has(r)).map((r) => [r, out.get(r)!]));
  }

  /** Revision history of each deployment, oldest first. */
  async revisionsOf(deploymentIds: readonly string[]): Promise<Map<string, DeploymentRevision[]>> {
    const rows = await this.db.query<DeploymentRevision>(
      `SELECT * FROM (
         SELECT ${REVISION_COLUMNS}, r.id AS seq,
                row_number() OVER (PARTITION BY r.deployment_id ORDER BY r.valid_from DESC, r.id DESC) AS rn
           FROM deployment_revision r WHERE r.deployment_id = ANY($1::bigint[])) x
        WHERE rn <= $2 ORDER BY "validFrom", seq`,
      [deploymentIds, MAX_REVISIONS_LISTED],
    );
    return groupRows(deploymentIds, rows, (r) => r.deploymentId);
  }
}
