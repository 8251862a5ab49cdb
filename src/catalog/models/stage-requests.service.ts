/**
 * Four eyes for production: a model version reaches `production` only through a stage request approved by
 * a principal other than the requester who holds `approve` on that version. The request and its decision
 * are kept (model version `stageRequests`, lineage entities, reports); the database refuses a decision by
 * the requester too (CHECK constraint), so no code path can skip the second pair of eyes.
 */
import { Injectable } from '@nestjs/common';
import { AccessService, Caller } from '../../access/access.service';
import { Db, Sql } from '../../platform/database/db';
import { withoutWriteGuard } from '../../platform/auth/write-guard';
import { AccessAttributes, accessColumns } from '../../platform/auth/access-scope';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../../platform/errors/errors';
import { NodeKind } from '../nodes/node.types';
import { resolveRef } from '../nodes/refs';
import { ModelStage } from './model.types';
import { ModelsService } from './models.service';
import { RequestStatus, StageChange, StageRequest } from './stage-request.types';

const COLUMNS = `r.id::text AS "id", n.urn AS "modelVersionUrn", r.stage, r.requester AS "requestedBy", r.reason,
  r.archive_existing AS "archiveExisting",
  r.status, r.decided_by AS "decidedBy", r.decided_at AS "decidedAt", r.note, r.created_at AS "createdAt"`;

@Injectable()
export class StageRequestsService {
  constructor(
    private readonly db: Db,
    private readonly models: ModelsService,
    private readonly access: AccessService,
  ) {}

  /** Records a pending request (one per version and stage at a time). `requester` is a principal name. */
  async request(input: { urn: string; stage: ModelStage; reason: string; archiveExisting: boolean }, requester: string): Promise<StageRequest> {
    return this.db.transaction(async (tx) => {
      const ref = await resolveRef(tx, 'urn', input.urn, NodeKind.MODEL_VERSION, { write: true });
      const open = await tx.query<{ id: string }>(
        `SELECT id::text AS "id" FROM stage_request WHERE model_version_id = $1 AND stage = $2 AND status = 'pending'`,
        [ref.id, input.stage],
      );
      if (open[0]) throw new ConflictError(`Request ${open[0].id} to move ${input.urn} to ${input.stage} is already pending.`, { requestId: open[0].id });
      const [{ id }] = await tx.query<{ id: string }>(
        `INSERT INTO stage_request (model_version_id, stage, requester, reason, archive_existing) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS "id"`,
        [ref.id, input.stage, requester, input.reason, input.archiveExisting],
      );
      return this.byId(tx, id);
    });
  }

  /** Approves (and applies) or denies a pending request. The decider may not be the requester. */
  async decide(caller: Caller, id: string, approve: boolean, note?: string): Promise<StageRequest> {
    if (!/^\d{1,18}$/.test(id)) throw new InvalidInputError(`"${id.slice(0, 40)}" is not a stage request id.`);
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ status: string; requester: string; modelVersionId: string; stage: ModelStage; archiveExisting: boolean }>(
        `SELECT status, requester, model_version_id::text AS "modelVersionId", stage, archive_existing AS "archiveExisting"
           FROM stage_request WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row) throw new NotFoundError(`No stage request ${id}.`);
      const [version] = await tx.query<AccessAttributes>(
        `SELECT ${accessColumns('n')} FROM node n WHERE n.id = $1`,
        [row.modelVersionId],
      );
      this.access.require(caller, 'approve', version, 'model version');
      if (row.requester === caller.principal.name) {
        this.access.denied(caller, 'approve', version.urn, { stageRequest: id, reason: 'four eyes: the requester cannot decide' });
        throw new ForbiddenError(`Four eyes: request ${id} was made by ${row.requester}; another principal with approve on ${version.urn} must decide it.`);
      }
      if (row.status !== RequestStatus.PENDING) throw new ConflictError(`Stage request ${id} was already ${row.status}.`);
      await tx.query(
        `UPDATE stage_request SET status = $2, decided_by = $3, decided_at = now(), note = $4 WHERE id = $1`,
        [id, approve ? RequestStatus.APPROVED : RequestStatus.DENIED, caller.principal.name, note ?? null],
      );
      if (approve) {
        // Applied on the strength of the request (its requester held write when asking), not the approver's write.
        const change = { urn: version.urn, stage: row.stage, archiveExisting: row.archiveExisting };
        await withoutWriteGuard(tx, () => this.models.setStage(change, { approved: true }));
      }
      return this.byId(tx, id);
    });
  }

  /** Requests of these model versions, oldest first. */
  async ofVersions(ids: readonly string[]): Promise<Map<string, StageRequest[]>> {
    const rows = await this.db.query<StageRequest & { versionId: string }>(
      `SELECT ${COLUMNS}, r.model_version_id::text AS "versionId" FROM stage_request r JOIN node n ON n.id = r.model_version_id
        WHERE r.model_version_id = ANY($1::bigint[]) ORDER BY r.id`,
      [ids],
    );
    const out = new Map<string, StageRequest[]>();
    for (const { versionId, ...r } of rows) out.set(versionId, [...(out.get(versionId) ?? []), r]);
    return out;
  }

  /** Every stage change of one model version up to `asOf` (a trigger records them all), oldest first. */
  async changesOf(id: string, asOf: Date): Promise<StageChange[]> {
    return this.db.query<StageChange>(
      `SELECT from_stage AS "fromStage", to_stage AS "toStage", changed_at AS "changedAt" FROM model_stage_change
        WHERE model_version_id = $1 AND changed_at <= $2 ORDER BY changed_at, id`,
      [id, asOf],
    );
  }

  private async byId(sql: Sql, id: string): Promise<StageRequest> {
    const [row] = await sql.query<StageRequest>(`SELECT ${COLUMNS} FROM stage_request r JOIN node n ON n.id = r.model_version_id WHERE r.id = $1`, [id]);
    return row;
  }
}
