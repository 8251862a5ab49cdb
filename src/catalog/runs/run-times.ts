/**
 * When a run's lineage edges became true: inputs and code from the run's start (or, until the start is
 * known, its end), outputs from its end (or start), so that "as of" questions see data flow when it
 * happened, not when Pedigree heard of it. Without known times, the edge starts when it is recorded.
 */
import { Sql } from '../../platform/database/db';
import { LineageService } from '../../lineage/lineage.service';
import { EdgeKind } from '../../lineage/edge.types';

export interface RunTimes {
  startedAt: Date | null;
  endedAt: Date | null;
}

export async function runTimes(tx: Sql, runId: string): Promise<RunTimes> {
  const [row] = await tx.query<RunTimes>(`SELECT started_at AS "startedAt", ended_at AS "endedAt" FROM run WHERE id = $1`, [runId]);
  return row ?? { startedAt: null, endedAt: null };
}

export const inputEdgeTime = (t: RunTimes): Date | undefined => t.startedAt ?? t.endedAt ?? undefined;
export const outputEdgeTime = (t: RunTimes): Date | undefined => t.endedAt ?? t.startedAt ?? undefined;

/** Records that `runId` wrote `outputId` (an OUTPUT edge dated by the run's end, or its start). */
export async function recordProducer(tx: Sql, lineage: LineageService, runId: string, outputId: string): Promise<void> {
  const validFrom = outputEdgeTime(await runTimes(tx, runId));
  await lineage.openEdges(tx, [{ fromId: runId, toId: outputId, kind: EdgeKind.OUTPUT, validFrom }]);
}
