/**
 * Access policies, access requests, four-eyes stage approvals and the audit log.
 *
 * `audit_log` and `audit_chain` are append-only: a trigger refuses UPDATE, DELETE and TRUNCATE for every role
 * (the service's included), so a row can change only by someone who first disables the triggers — which the
 * hash chain then exposes (`npm run audit:verify`). Entries are appended without any lock, inside the
 * transaction of what they record; a sealer then chains them in `seq` order into `audit_chain`: `hash` =
 * sha256 over the previous link's hash and the entry's canonical serialization (src/audit/audit-chain.ts).
 * A sequence number no committed entry took (a rolled-back transaction) is sealed as `missing`.
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
CREATE TABLE access_policy (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name            text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  description     text,
  effect          text NOT NULL CHECK (effect IN ('allow','deny')),
  actions         text[] NOT NULL CHECK (cardinality(actions) > 0),
  principals      text[] NOT NULL DEFAULT '{}',
  teams           text[] NOT NULL DEFAULT '{}',
  roles           text[] NOT NULL DEFAULT '{}',
  kinds           text[] NOT NULL DEFAULT '{}',
  domains         text[] NOT NULL DEFAULT '{}',
  owner_teams     text[] NOT NULL DEFAULT '{}',
  tags            text[] NOT NULL DEFAULT '{}',
  classifications text[] NOT NULL DEFAULT '{}',
  urns            text[] NOT NULL DEFAULT '{}',
  fields          text[] NOT NULL DEFAULT '{}',
  expires_at      timestamptz,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (cardinality(principals) + cardinality(teams) + cardinality(roles) > 0)
);

CREATE TABLE access_request (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  node_id     bigint NOT NULL REFERENCES node(id),
  action      text NOT NULL,
  requester   text NOT NULL,
  reason      text NOT NULL,
  duration_s  integer NOT NULL CHECK (duration_s > 0),
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','denied')),
  decided_by  text,
  decided_at  timestamptz,
  note        text,
  policy_name text,
  granted_until timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_request_node ON access_request (node_id, id);
CREATE INDEX access_request_requester ON access_request (requester, id);

CREATE TABLE stage_request (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_version_id bigint NOT NULL REFERENCES model_version(id),
  stage            text NOT NULL,
  requester        text NOT NULL,
  reason           text NOT NULL,
  archive_existing boolean NOT NULL DEFAULT false,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','denied')),
  decided_by       text,
  decided_at       timestamptz,
  note             text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (decided_by IS NULL OR decided_by <> requester)
);
CREATE INDEX stage_request_version ON stage_request (model_version_id, id);
CREATE UNIQUE INDEX stage_request_one_pending ON stage_request (model_version_id, stage) WHERE status = 'pending';

CREATE SEQUENCE audit_log_seq;
CREATE TABLE audit_log (
  seq        bigint PRIMARY KEY DEFAULT nextval('audit_log_seq'),
  at         timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  principal  text NOT NULL,
  action     text NOT NULL,
  target     text,
  outcome    text NOT NULL,
  request_id text,
  details    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at, seq);
CREATE INDEX audit_log_principal ON audit_log (principal, seq);
CREATE INDEX audit_log_target ON audit_log (target, seq) WHERE target IS NOT NULL;

CREATE TABLE audit_chain (
  seq       bigint PRIMARY KEY,
  missing   boolean NOT NULL DEFAULT false,
  prev_hash bytea NOT NULL,
  hash      bytea NOT NULL,
  sealed_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
`;

const DOWN = `
DROP TABLE audit_chain; DROP TABLE audit_log; DROP SEQUENCE audit_log_seq; DROP FUNCTION audit_log_refuse_change();
DROP TABLE stage_request; DROP TABLE access_request; DROP TABLE access_policy;
`;

export class AccessAudit1764489600000 implements MigrationInterface {
  name = 'AccessAudit1764489600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(UP);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(DOWN);
  }
}
