/**
 * The stage history of model versions: one row per change of `model_version.stage`, written by a trigger so
 * that every path — setModelVersionStage, an approved stage request, a stage-changed event, the archiving of
 * the version a promotion replaces — is recorded, none by code that could forget it. Who asked for a change
 * is in the audit log and, for approvals, in `stage_request`. Versions already past `none` get one row
 * from what was known (`stage_changed_at`, else their registration).
 */
import { MigrationInterface, QueryRunner } from 'typeorm';

const UP = `
CREATE TABLE model_stage_change (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_version_id bigint NOT NULL REFERENCES model_version (id) ON DELETE CASCADE,
  from_stage       text NOT NULL,
  to_stage         text NOT NULL,
  changed_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX model_stage_change_version ON model_stage_change (model_version_id, changed_at, id);

CREATE FUNCTION model_stage_change_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO model_stage_change (model_version_id, from_stage, to_stage)
  VALUES (NEW.id, CASE WHEN TG_OP = 'INSERT' THEN 'none' ELSE OLD.stage END, NEW.stage);
  RETURN NULL;
END $$;
CREATE TRIGGER model_stage_change_on_update AFTER UPDATE OF stage ON model_version
  FOR EACH ROW WHEN (OLD.stage IS DISTINCT FROM NEW.stage) EXECUTE FUNCTION model_stage_change_record();
CREATE TRIGGER model_stage_change_on_insert AFTER INSERT ON model_version
  FOR EACH ROW WHEN (NEW.stage <> 'none') EXECUTE FUNCTION model_stage_change_record();

INSERT INTO model_stage_change (model_version_id, from_stage, to_stage, changed_at)
SELECT v.id, 'none', v.stage, COALESCE(v.stage_changed_at, n.created_at)
  FROM model_version v JOIN node n ON n.id = v.id
 WHERE v.stage <> 'none';
`;

const DOWN = `
DROP TRIGGER model_stage_change_on_insert ON model_version;
DROP TRIGGER model_stage_change_on_update ON model_version;
DROP FUNCTION model_stage_change_record();
DROP TABLE model_stage_change;
`;

export class ModelStageHistory1764576000000 implements MigrationInterface {
  name = 'ModelStageHistory1764576000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(UP);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(DOWN);
  }
}
