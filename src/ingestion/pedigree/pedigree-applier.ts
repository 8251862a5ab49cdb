/**
 * Applies one Pedigree event through the catalog services (inside the ingestion batch's transaction, as a
 * savepoint). Events name things by natural keys; what an event refers to but the catalog does not have yet
 * (a model, a dataset, a deployment, a training run) is created, so events may arrive in any order. A model
 * version named by number must exist: that is an event referencing something impossible (dead-lettered).
 */
import { Injectable } from '@nestjs/common';
import { RunBatchService } from '../../catalog/batch/run-batch.service';
import { datasetUrn, DatasetsService } from '../../catalog/datasets/datasets.service';
import { DeploymentsService } from '../../catalog/deployments/deployments.service';
import { FeaturesService } from '../../catalog/features/features.service';
import { ModelStage } from '../../catalog/models/model.types';
import { ModelsService } from '../../catalog/models/models.service';
import { RunKind, RunStatus } from '../../catalog/runs/run.types';
import { RunsService } from '../../catalog/runs/runs.service';
import { Db } from '../../platform/database/db';
import { ConflictError, NotFoundError } from '../../platform/errors/errors';
import { StageRequestsService } from '../../catalog/models/stage-requests.service';
import { NodeKind } from '../../platform/graph/node-kind';
import { makeUrn, versionUrn } from '../../platform/graph/urn';
import {
  DatasetProfiled, DeploymentRevised, FeatureViewDefined, ModelStageChanged, ModelVersionRef, ModelVersionRegistered, PedigreeEvent,
  TrainingProgress,
} from '../events/pedigree.types';

export const pedigreeEventKey = (e: PedigreeEvent): string => `pedigree:${e.eventId}`;

const modelUrn = (name: string) => makeUrn(NodeKind.MODEL, name);

@Injectable()
export class PedigreeEventApplier {
  constructor(
    private readonly models: ModelsService,
    private readonly datasets: DatasetsService,
    private readonly deployments: DeploymentsService,
    private readonly features: FeaturesService,
    private readonly runs: RunsService,
    private readonly runBatch: RunBatchService,
    private readonly stageRequests: StageRequestsService,
    /** Joins the surrounding ingestion transaction (Db routes statements to it). */
    private readonly db: Db,
  ) {}

  async apply(event: PedigreeEvent): Promise<void> {
    const p = event.payload as never;
    switch (event.type) {
      case 'model_version.registered':
        return this.modelVersionRegistered(p);
      case 'model.stage_changed':
        return this.stageChanged(p, event.producer);
      case 'deployment.revised':
        return this.deploymentRevised(p, new Date(event.eventTime));
      case 'feature_view.defined':
        return this.featureViewDefined(p);
      case 'training.progress':
        return this.trainingProgress(p, new Date(event.eventTime));
      case 'dataset.profiled':
        return this.datasetProfiled(p);
    }
  }

  private async modelVersionRegistered(p: ModelVersionRegistered): Promise<void> {
    const { name, ...modelFields } = p.model;
    await this.models.register({ name, ...modelFields });
    let trainedByRunUrn: string | undefined;
    if (p.trainedByRunId) {
      // The training run may not have reported yet: known by reference until it does.
      await this.runBatch.apply(this.db, [{
        runKey: p.trainedByRunId, name: p.trainedByRunId, kind: RunKind.TRAINING, status: RunStatus.SCHEDULED,
        inputs: [], outputs: [], columnLineage: [],
      }]);
      trainedByRunUrn = makeUrn(NodeKind.RUN, p.trainedByRunId);
    }
    await this.models.registerVersion({
      modelUrn: modelUrn(name), artifactUri: p.artifactUri, artifactSha256: p.artifactSha256, framework: p.framework,
      signature: p.signature ? { inputs: p.signature.inputs ?? [], outputs: p.signature.outputs ?? [] } : undefined,
      metrics: p.metrics, params: p.params, trainedByRunUrn,
      description: p.description, ownerTeam: p.ownerTeam, domain: p.domain, tags: p.tags, classifications: p.classifications, properties: p.properties,
    } as never);
  }

  private async versionUrn(ref: ModelVersionRef): Promise<string> {
    if (ref.version !== undefined) return versionUrn(modelUrn(ref.model), ref.version);
    const urn = await this.models.versionUrnByArtifact(modelUrn(ref.model), ref.artifactSha256!);
    if (!urn) throw new NotFoundError(`Model ${ref.model} has no version with artifact sha256 ${ref.artifactSha256}.`);
    return urn;
  }

  /** Production needs four eyes even from a pipeline: the event becomes a pending stage request by its producer. */
  private async stageChanged(p: ModelStageChanged, producer: string): Promise<void> {
    const input = { urn: await this.versionUrn(p.modelVersion), stage: p.stage as ModelStage, archiveExisting: p.archiveExisting ?? false };
    if (input.stage !== ModelStage.PRODUCTION) {
      await this.models.setStage(input);
      return;
    }
    try {
      await this.stageRequests.request({ ...input, reason: `model.stage_changed event from ${producer}` }, `producer:${producer}`.slice(0, 200));
    } catch (err) {
      // A re-sent event while its request is still pending is the same request, not an error.
      if (!(err instanceof ConflictError)) throw err;
    }
  }

  private async deploymentRevised(p: DeploymentRevised, eventTime: Date): Promise<void> {
    const { name, environment, ...fields } = p.deployment;
    const deployment = await this.deployments.register({ name, environment, ...fields });
    const traffic = [];
    for (const t of p.traffic) traffic.push({ modelVersionUrn: await this.versionUrn(t.modelVersion), trafficShare: t.trafficShare });
    await this.deployments.revise({ deploymentUrn: deployment.urn, traffic, validFrom: p.validFrom ? new Date(p.validFrom) : eventTime });
  }

  private async featureViewDefined(p: FeatureViewDefined): Promise<void> {
    const { sourceDataset, ...view } = p;
    if (sourceDataset) await this.datasets.register({ namespace: sourceDataset.namespace, name: sourceDataset.name });
    await this.features.register({
      ...view,
      entities: view.entities ?? [],
      sourceDatasetUrn: sourceDataset ? datasetUrn(sourceDataset.namespace, sourceDataset.name) : undefined,
    } as never);
  }

  private async trainingProgress(p: TrainingProgress, eventTime: Date): Promise<void> {
    const metrics: Record<string, number> = { ...p.metrics };
    if (p.step !== undefined) metrics.step = p.step;
    if (p.epoch !== undefined) metrics.epoch = p.epoch;
    if (p.gpu?.utilizationPercent !== undefined) metrics.gpuUtilizationPercent = p.gpu.utilizationPercent;
    if (p.gpu?.memoryUsedGiB !== undefined) metrics.gpuMemoryUsedGiB = p.gpu.memoryUsedGiB;
    await this.runs.register({
      runId: p.runId, name: p.name, kind: RunKind.TRAINING, status: (p.status as RunStatus) ?? RunStatus.RUNNING,
      startedAt: p.startedAt ? new Date(p.startedAt) : undefined,
      endedAt: p.status && p.status !== 'running' ? eventTime : undefined, metrics,
      compute: { gpuType: p.gpu?.type, gpuCount: p.gpu?.count, gpuHours: p.gpuHours, energyKwh: p.energyKwh },
    } as never);
  }

  private async datasetProfiled(p: DatasetProfiled): Promise<void> {
    await this.datasets.register({ namespace: p.dataset.namespace, name: p.dataset.name });
    const columns = (p.statistics.columns ?? []).map((c) => ({
      name: c.name, nullFraction: c.nullFraction ?? null, distinctCount: c.distinctCount ?? null,
      min: c.min === undefined ? null : String(c.min), max: c.max === undefined ? null : String(c.max),
    }));
    await this.datasets.recordProfile(datasetUrn(p.dataset.namespace, p.dataset.name), p.datasetVersion, {
      rowCount: p.statistics.rowCount ?? null, bytes: p.statistics.bytes ?? null, columns,
    });
  }
}
