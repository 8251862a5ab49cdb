/**
 * Attributes every record of a batch to the deployment and model version that served it. A record that
 * names its model version must name one that was live on its deployment at its timestamp; a record that
 * does not is given the one live model version, and is refused while none or several (a canary) were live.
 * Timestamps must fall inside the storage window (retention behind, partitions created ahead).
 */
import { InvalidInputError } from '../../platform/errors/errors';
import type { ServingHistory } from '../../catalog/deployments/deployments.service';
import { PredictionColumns } from './columns';

export const DAY_MS = 86_400_000;

export interface Attributed {
  deploymentId: Float64Array;
  modelVersionId: Float64Array;
  /** UTC day number since the Unix epoch. */
  day: Int32Array;
  /** Distinct days present. */
  days: number[];
  /** Per deployment code: store payloads (false = keep only hashes). */
  storePayloads: boolean[];
}

export interface AttributionContext {
  histories: Map<string, ServingHistory>;
  modelVersionIds: Map<string, string>;
  /** Earliest and latest day accepted (inclusive). */
  firstDay: number;
  lastDay: number;
}

interface Segment {
  from: number;
  to: number;
  live: number[];
}

/** Splits a revision history into time segments, each with the model versions live throughout it. */
function segmentsOf(history: ServingHistory): Segment[] {
  const revisions = history.revisions.map((r) => ({
    mv: Number(r.modelVersionId),
    from: r.validFrom.getTime(),
    to: r.validTo ? r.validTo.getTime() : Infinity,
  }));
  const bounds = [...new Set(revisions.flatMap((r) => [r.from, r.to]))].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let k = 0; k < bounds.length && bounds[k] !== Infinity; k++) {
    const from = bounds[k];
    const to = k + 1 < bounds.length ? bounds[k + 1] : Infinity;
    const live = revisions.filter((r) => r.from <= from && r.to > from).map((r) => r.mv);
    segments.push({ from, to, live: [...new Set(live)] });
  }
  return segments;
}

function segmentAt(segments: Segment[], t: number, hint: number): number {
  const s = segments[hint];
  if (s && s.from <= t && t < s.to) return hint;
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t < segments[mid].from) hi = mid - 1;
    else if (t >= segments[mid].to) lo = mid + 1;
    else return mid;
  }
  return -1;
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

export function attribute(cols: PredictionColumns, ctx: AttributionContext): Attributed {
  const unknownDeployments = cols.deployment.values.filter((d) => !ctx.histories.has(d));
  if (unknownDeployments.length) {
    throw new InvalidInputError(`Unknown deployment(s): ${unknownDeployments.slice(0, 5).join(', ')}. Register them (registerDeployment) first.`, {
      deployments: unknownDeployments.slice(0, 100),
    });
  }
  const unknownVersions = cols.modelVersion.values.filter((v) => !ctx.modelVersionIds.has(v));
  if (unknownVersions.length) {
    throw new InvalidInputError(`Unknown model version(s): ${unknownVersions.slice(0, 5).join(', ')}.`, { modelVersions: unknownVersions.slice(0, 100) });
  }
  const histories = cols.deployment.values.map((d) => ctx.histories.get(d)!);
  const segments = histories.map(segmentsOf);
  const hints = new Int32Array(histories.length);
  const deploymentIds = histories.map((h) => Number(h.id));
  const versionIds = cols.modelVersion.values.map((v) => Number(ctx.modelVersionIds.get(v)));
  const n = cols.length;
  const out: Attributed = {
    deploymentId: new Float64Array(n),
    modelVersionId: new Float64Array(n),
    day: new Int32Array(n),
    days: [],
    storePayloads: histories.map((h) => h.predictionPayloads === 'store'),
  };
  const errors: { row: number; error: string }[] = [];
  const fail = (row: number, error: string) => errors.push({ row, error });
  const days = new Set<number>();
  for (let i = 0; i < n && errors.length < 10; i++) {
    const t = cols.timestampMs[i];
    const day = Math.floor(t / DAY_MS);
    if (!(day >= ctx.firstDay && day <= ctx.lastDay)) {
      fail(i, `timestamp ${iso(t)} is outside the accepted window ${iso(ctx.firstDay * DAY_MS)} – ${iso((ctx.lastDay + 1) * DAY_MS)} (retention behind, partitions ahead)`);
      continue;
    }
    const d = cols.deployment.codes[i];
    const segs = segments[d];
    const k = segmentAt(segs, t, hints[d]);
    const live = k >= 0 ? segs[k].live : [];
    if (k >= 0) hints[d] = k;
    const named = cols.modelVersion.codes[i];
    let mv: number;
    if (named >= 0) {
      mv = versionIds[named];
      if (!live.includes(mv)) {
        fail(i, `model version ${cols.modelVersion.values[named]} was not live on ${histories[d].urn} at ${iso(t)}`);
        continue;
      }
    } else if (live.length === 1) {
      mv = live[0];
    } else {
      fail(
        i,
        live.length === 0
          ? `no revision of ${histories[d].urn} was valid at ${iso(t)}`
          : `${live.length} model versions were live on ${histories[d].urn} at ${iso(t)} (a canary); the record must name its model_version`,
      );
      continue;
    }
    out.deploymentId[i] = deploymentIds[d];
    out.modelVersionId[i] = mv;
    out.day[i] = day;
    days.add(day);
  }
  if (errors.length) {
    const shown = errors.slice(0, 3).map((e) => `row ${e.row}: ${e.error}`);
    throw new InvalidInputError(`${errors.length === 10 ? 'At least 10' : errors.length} record(s) cannot be attributed — ${shown.join('; ')}.`, { errors });
  }
  out.days = [...days].sort((a, b) => a - b);
  return out;
}
