/**
 * How observations of one run merge, whatever order they arrive in: status only moves forward
 * (scheduled < running < completed | failed | aborted; a late "running" never reopens a finished run), the
 * start is the earliest start seen, the end the latest end seen, params and metrics merge key by key, and
 * the optional fields keep the last value given. Used by single registrations and by batches alike.
 */
export const RUN_STATUS_RANK_SQL = (status: string) =>
  `(CASE ${status} WHEN 'scheduled' THEN 0 WHEN 'running' THEN 1 ELSE 2 END)`;

/**
 * A run known only by reference (a parent, or the trainer of a model version registered first): scheduled,
 * no times. Its kind is a guess, so the first real observation may change it.
 */
const PLACEHOLDER = `(r.status = 'scheduled' AND r.started_at IS NULL AND r.ended_at IS NULL)`;

/**
 * The ON CONFLICT (id) DO UPDATE clause of every run upsert (`r` is the stored row), and its WHERE: a run's
 * kind never changes once real. Metrics merge by training step when both sides carry one: values from an
 * older step never overwrite a newer one's.
 */
export const RUN_MERGE_WHERE = `r.kind = EXCLUDED.kind OR ${PLACEHOLDER}`;
export const RUN_MERGE_SQL = `
  kind = CASE WHEN ${PLACEHOLDER} THEN EXCLUDED.kind ELSE r.kind END,
  status = CASE WHEN ${RUN_STATUS_RANK_SQL('EXCLUDED.status')} >= ${RUN_STATUS_RANK_SQL('r.status')}
                THEN EXCLUDED.status ELSE r.status END,
  started_at = LEAST(r.started_at, EXCLUDED.started_at),
  ended_at = GREATEST(r.ended_at, EXCLUDED.ended_at),
  params = r.params || EXCLUDED.params,
  metrics = CASE WHEN (EXCLUDED.metrics->>'step')::numeric < (r.metrics->>'step')::numeric
                 THEN EXCLUDED.metrics || r.metrics ELSE r.metrics || EXCLUDED.metrics END,
  gpu_type = COALESCE(EXCLUDED.gpu_type, r.gpu_type),
  gpu_count = COALESCE(EXCLUDED.gpu_count, r.gpu_count),
  gpu_hours = GREATEST(EXCLUDED.gpu_hours, r.gpu_hours),
  energy_kwh = GREATEST(EXCLUDED.energy_kwh, r.energy_kwh),
  parent_run_id = COALESCE(EXCLUDED.parent_run_id, r.parent_run_id)`;
