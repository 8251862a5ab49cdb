/**
 * Access requests: a caller who can see an entity's metadata asks for its data (or for write); a principal
 * holding `approve` on the entity — its owners, by policy — approves or denies; an approval creates a
 * time-limited allow policy for the requester on that entity (and, for a dataset or model, its versions).
 */
import { Injectable } from '@nestjs/common';
import { AccessService, Caller } from '../../access/access.service';
import { PolicyService } from '../../access/policy.service';
import { PolicyAction, PolicyEffect } from '../../access/policy.types';
import { AccessAttributes, accessColumns, Params, scopeConditions } from '../../platform/auth/access-scope';
import { Db, Sql } from '../../platform/database/db';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../../platform/errors/errors';
import { parseUrn } from '../../platform/graph/urn';
import { RequestStatus } from '../models/stage-request.types';
import { AccessRequest, RequestAccessInput } from './access-request.types';

const COLUMNS = `r.id::text AS "id", n.urn, r.action, r.requester AS "requestedBy", r.reason, r.duration_s / 3600 AS "durationHours",
  r.status, r.decided_by AS "decidedBy", r.decided_at AS "decidedAt", r.note, r.policy_name AS "policyName",
  r.granted_until AS "expiresAt", r.created_at AS "createdAt"`;
const FROM = `access_request r JOIN node n ON n.id = r.node_id`;

type Target = AccessAttributes & { id: string };

const TARGET_SQL = `SELECT n.id::text AS "id", ${accessColumns('n')} FROM node n`;

@Injectable()
export class AccessRequestsService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessService,
    private readonly policies: PolicyService,
  ) {}

  async request(caller: Caller, input: RequestAccessInput): Promise<AccessRequest> {
    parseUrn('urn', input.urn);
    const [target] = await this.db.query<Target>(`${TARGET_SQL} WHERE n.urn = $1`, [input.urn]);
    if (!target) {
      if (this.access.scope(caller, 'read')) throw this.access.hidden('entity', input.urn);
      throw new NotFoundError(`Nothing in the catalog has URN ${input.urn}.`);
    }
    this.access.require(caller, 'read', target, 'entity');
    if (this.access.can(caller, input.action, target)) {
      throw new ConflictError(`You already have ${input.action} on ${input.urn}; nothing to request.`);
    }
    const [{ id }] = await this.db.query<{ id: string }>(
      `INSERT INTO access_request (node_id, action, requester, reason, duration_s) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS "id"`,
      [target.id, input.action, caller.principal.name, input.reason, input.durationHours * 3600],
    );
    return this.byId(this.db, id);
  }

  /** Approves (granting a policy that expires after the requested duration) or denies. Never by the requester. */
  async decide(caller: Caller, id: string, approve: boolean, note?: string): Promise<AccessRequest> {
    if (!/^\d{1,18}$/.test(id)) throw new InvalidInputError(`"${id.slice(0, 40)}" is not an access request id.`);
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ status: string; requester: string; nodeId: string; action: PolicyAction; durationS: number }>(
        `SELECT status, requester, node_id::text AS "nodeId", action, duration_s AS "durationS" FROM access_request WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row) throw new NotFoundError(`No access request ${id}.`);
      const [target] = await tx.query<Target>(`${TARGET_SQL} WHERE n.id = $1`, [row.nodeId]);
      this.access.require(caller, 'approve', target, 'entity');
      if (row.requester === caller.principal.name) {
        this.access.denied(caller, 'approve', target.urn, { accessRequest: id, reason: 'the requester cannot decide' });
        throw new ForbiddenError(`Access request ${id} is yours; an owner of ${target.urn} (approve on it) must decide it.`);
      }
      if (row.status !== RequestStatus.PENDING) throw new ConflictError(`Access request ${id} was already ${row.status}.`);
      let grant: { name: string; until: Date } | null = null;
      if (approve) {
        // A dataset or model carries its versions with it.
        const versions = await tx.query<{ urn: string }>(`SELECT urn FROM node WHERE parent_id = $1 ORDER BY id LIMIT 999`, [target.id]);
        grant = { name: `access-request-${id}`, until: new Date(Date.now() + row.durationS * 1000) };
        await this.policies.put(
          {
            name: grant.name,
            description: `Granted by ${caller.principal.name} on access request ${id}${note ? `: ${note}` : ''}`.slice(0, 2000),
            effect: PolicyEffect.ALLOW,
            actions: [row.action],
            principals: [row.requester],
            teams: [],
            roles: [],
            kinds: [],
            domains: [],
            ownerTeams: [],
            tags: [],
            classifications: [],
            urns: [target.urn, ...versions.map((v) => v.urn)],
            fields: [],
            expiresAt: grant.until,
          },
          caller.principal.name,
          tx,
        );
      }
      await tx.query(
        `UPDATE access_request SET status = $2, decided_by = $3, decided_at = now(), note = $4, policy_name = $5, granted_until = $6
          WHERE id = $1`,
        [id, approve ? RequestStatus.APPROVED : RequestStatus.DENIED, caller.principal.name, note ?? null, grant?.name ?? null, grant?.until ?? null],
      );
      return this.byId(tx, id);
    });
  }

  /** The caller's own requests and/or those on entities the caller may approve (filtered in SQL), newest first. */
  async list(caller: Caller, which: 'mine' | 'toDecide' | undefined, status: RequestStatus | undefined): Promise<AccessRequest[]> {
    const p = new Params();
    const mine = () => `r.requester = ${p.bind(caller.principal.name)}`;
    const decidable = () => ['true', ...scopeConditions(this.access.scope(caller, 'approve'), p, 'n')].join(' AND ');
    const who = which === 'mine' ? mine() : which === 'toDecide' ? `(${decidable()})` : `(${mine()} OR (${decidable()}))`;
    const state = status ? ` AND r.status = ${p.bind(status)}` : '';
    return this.db.query<AccessRequest>(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${who}${state} ORDER BY r.id DESC LIMIT 500`, p.values);
  }

  private async byId(sql: Sql, id: string): Promise<AccessRequest> {
    const [row] = await sql.query<AccessRequest>(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.id = $1`, [id]);
    return row;
  }
}
