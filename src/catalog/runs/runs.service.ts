/**
 * Runs: MLMD executions. Registration is an idempotent merge keyed by runId (events may repeat and arrive
 * out of order), and records INPUT / OUTPUT / CODE edges in the same transaction.
 */
import { Injectable } from '@nestjs/common';
import { Sql } from '../../platform/database/db';
import { InvalidInputError } from '../../platform/errors/errors';
import { LineageService } from '../../lineage/lineage.service';
import { EdgeKind, NewEdge } from '../../lineage/edge.types';
import { Entity } from '../nodes/node.repository';
import { CatalogWriter } from '../nodes/catalog.writer';
import { NodeKind } from '../nodes/node.types';
import { Ref, resolveRefs } from '../nodes/refs';
import { identifier, makeUrn } from '../../platform/graph/urn';
import { ContextsService } from '../contexts/contexts.service';
import { RegisterRunInput } from './run.types';
import { inputEdgeTime, outputEdgeTime, RunTimes } from './run-times';
import { RUN_MERGE_SQL, RUN_MERGE_WHERE } from './run-merge';

export const RUN_INPUT_KINDS = [NodeKind.DATASET_VERSION, NodeKind.MODEL_VERSION, NodeKind.FEATURE_VIEW] as const;
export const RUN_OUTPUT_KINDS = [NodeKind.DATASET_VERSION, NodeKind.MODEL_VERSION] as const;

/** Input columns across one run's whole columnLineage. */
export const MAX_COLUMN_LINKS = 20_000;

function columnRefs(input: RegisterRunInput): Ref[] {
  return (input.columnLineage ?? []).flatMap((c, i) => [
    { field: `columnLineage[${i}].outputUrn`, urn: c.outputUrn, kinds: [NodeKind.DATASET_VERSION] },
    ...c.inputs.map((src, j) => ({ field: `columnLineage[${i}].inputs[${j}]`, urn: src.urn, kinds: [NodeKind.DATASET_VERSION] })),
  ]);
}

@Injectable()
export class RunsService {
  constructor(
    private readonly writer: CatalogWriter,
    private readonly lineage: LineageService,
    private readonly contexts: ContextsService,
  ) {}

  async register(input: RegisterRunInput): Promise<Entity> {
    identifier('runId', input.runId, 300);
    if (input.startedAt && input.endedAt && input.endedAt < input.startedAt) {
      throw new InvalidInputError('endedAt is before startedAt.');
    }
    const fields = this.writer.nodeFields(input);
    const params = this.writer.json('params', input.params);
    const metrics = this.writer.json('metrics', input.metrics);
    const urn = makeUrn(NodeKind.RUN, input.runId);
    if (input.parentRunUrn === urn) throw new InvalidInputError('parentRunUrn names the run itself.');
    const refs: Ref[] = [
      ...(input.inputs ?? []).map((u, i) => ({ field: `inputs[${i}]`, urn: u, kinds: RUN_INPUT_KINDS })),
      ...(input.outputs ?? []).map((u, i) => ({ field: `outputs[${i}]`, urn: u, kinds: RUN_OUTPUT_KINDS })),
      ...(input.parentRunUrn ? [{ field: 'parentRunUrn', urn: input.parentRunUrn, kinds: [NodeKind.RUN] }] : []),
      ...(input.codeVersionUrn ? [{ field: 'codeVersionUrn', urn: input.codeVersionUrn, kinds: [NodeKind.CODE_VERSION] }] : []),
      ...(input.contextUrns ?? []).map((u, i) => ({ field: `contextUrns[${i}]`, urn: u, kinds: [NodeKind.CONTEXT] })),
      ...columnRefs(input),
    ];
    if ((input.columnLineage ?? []).reduce((n, c) => n + c.inputs.length, 0) > MAX_COLUMN_LINKS) {
      throw new InvalidInputError(`columnLineage has more than ${MAX_COLUMN_LINKS} input columns in all.`);
    }
    return this.writer.write(async (tx) => {
      const resolved = await resolveRefs(tx, refs);
      const byField = new Map(refs.map((r, i) => [r.field, resolved[i]]));
      const { id, inserted } = await this.writer.nodes.upsert(tx, { kind: NodeKind.RUN, urn, name: input.name ?? input.runId, ...fields });
      const times = await this.upsertRunRow(tx, id, input, params, metrics, byField.get('parentRunUrn')?.id ?? null);
      const pick = (prefix: string) => [...byField].filter(([f]) => f.startsWith(prefix)).map(([, r]) => r);
      const [inputAt, outputAt] = [inputEdgeTime(times), outputEdgeTime(times)];
      const edges: NewEdge[] = [
        ...pick('inputs[').map((r) => ({ fromId: r.id, toId: id, kind: EdgeKind.INPUT, validFrom: inputAt })),
        ...pick('outputs[').map((r) => ({ fromId: id, toId: r.id, kind: EdgeKind.OUTPUT, validFrom: outputAt })),
        ...pick('codeVersionUrn').map((r) => ({ fromId: r.id, toId: id, kind: EdgeKind.CODE, validFrom: inputAt })),
      ];
      const self = edges.find((e) => e.fromId === e.toId);
      if (self) throw new InvalidInputError('A run cannot be its own input or output.');
      await this.lineage.openEdges(tx, edges);
      // Edges recorded by earlier observations of this run take its merged times (a new run has none).
      if (!inserted) await this.lineage.redateRunEdges(tx, [{ runId: id, inputFrom: inputAt, outputFrom: outputAt }]);
      await this.contexts.addMembers(tx, pick('contextUrns[').map((c) => c.id), [id]);
      await this.lineage.recordColumnLineage(
        tx,
        (input.columnLineage ?? []).flatMap((c, i) =>
          c.inputs.map((src, j) => ({
            runId: id,
            outputId: byField.get(`columnLineage[${i}].outputUrn`)!.id,
            outputColumn: c.column,
            inputId: byField.get(`columnLineage[${i}].inputs[${j}]`)!.id,
            inputColumn: src.column,
            transformation: src.transformation ?? null,
          })),
        ),
      );
      return id;
    });
  }

  private async upsertRunRow(
    tx: Sql,
    id: string,
    input: RegisterRunInput,
    params: Record<string, unknown> | undefined,
    metrics: Record<string, unknown> | undefined,
    parentId: string | null,
  ): Promise<RunTimes> {
    const c = input.compute ?? {};
    await tx.query(
      `INSERT INTO run AS r (id, run_key, kind, status, started_at, ended_at, params, metrics,
                             gpu_type, gpu_count, gpu_hours, energy_kwh, parent_run_id)
       VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::jsonb, '{}'), COALESCE($8::jsonb, '{}'), $9, $10, $11, $12, $13)
       ON CONFLICT (id) DO UPDATE SET ${RUN_MERGE_SQL}
       WHERE ${RUN_MERGE_WHERE}`,
      [id, input.runId, input.kind, input.status, input.startedAt ?? null, input.endedAt ?? null,
        params ? JSON.stringify(params) : null, metrics ? JSON.stringify(metrics) : null,
        c.gpuType ?? null, c.gpuCount ?? null, c.gpuHours ?? null, c.energyKwh ?? null, parentId],
    );
    // The conflict branch updates nothing when the kind differs, so RETURNING cannot be relied on: read back.
    const [stored] = await tx.query<RunTimes & { kind: string }>(
      `SELECT kind, started_at AS "startedAt", ended_at AS "endedAt" FROM run WHERE id = $1`,
      [id],
    );
    if (stored.kind !== input.kind) {
      throw new InvalidInputError(`Run ${input.runId} is already registered as a ${stored.kind} run, not ${input.kind}.`);
    }
    return stored;
  }
}
