/**
 * The catalog: datasets, feature views, code, models, runs, deployments and contexts, each a node in the
 * shared node table. Owns `node` and every typed table; records lineage only through LineageService.
 */
import { Module } from '@nestjs/common';
import { LineageModule } from '../lineage/lineage.module';
import { CatalogReader } from './nodes/catalog.reader';
import { CatalogWriter } from './nodes/catalog.writer';
import { NodesResolver } from './nodes/nodes.resolver';
import { LineageNodeResolver } from './nodes/lineage-node.resolver';
import { CodeResolver } from './code/code.resolver';
import { CodeService } from './code/code.service';
import { ContextsResolver } from './contexts/contexts.resolver';
import { ContextsService } from './contexts/contexts.service';
import { DatasetsResolver, DatasetVersionsResolver } from './datasets/datasets.resolver';
import { DatasetsService } from './datasets/datasets.service';
import { DeploymentRevisionsResolver, DeploymentsResolver } from './deployments/deployments.resolver';
import { DeploymentsService } from './deployments/deployments.service';
import { FeaturesResolver } from './features/features.resolver';
import { FeaturesService } from './features/features.service';
import { ModelsResolver, ModelVersionsResolver } from './models/models.resolver';
import { ModelsService } from './models/models.service';
import { StageRequestsResolver } from './models/stage-requests.resolver';
import { StageRequestsService } from './models/stage-requests.service';
import { AccessRequestsResolver } from './access-requests/access-requests.resolver';
import { AccessRequestsService } from './access-requests/access-requests.service';
import { RunsResolver } from './runs/runs.resolver';
import { RunsService } from './runs/runs.service';
import { DeploymentImpactResolver, ImpactResolver, ServingWindowResolver } from './impact/impact.resolver';
import { ImpactService } from './impact/impact.service';
import { PredictionCounterHook } from './impact/prediction-counter';
import { RunBatchService } from './batch/run-batch.service';
import { SearchDocumentsService } from './search/search-documents.service';

export const CATALOG_RESOLVERS = [
  NodesResolver,
  LineageNodeResolver,
  DatasetsResolver,
  DatasetVersionsResolver,
  FeaturesResolver,
  CodeResolver,
  ModelsResolver,
  ModelVersionsResolver,
  StageRequestsResolver,
  AccessRequestsResolver,
  RunsResolver,
  DeploymentsResolver,
  DeploymentRevisionsResolver,
  ContextsResolver,
  ImpactResolver,
  DeploymentImpactResolver,
  ServingWindowResolver,
];

@Module({
  imports: [LineageModule],
  providers: [
    CatalogReader,
    CatalogWriter,
    DatasetsService,
    FeaturesService,
    CodeService,
    ModelsService,
    StageRequestsService,
    AccessRequestsService,
    RunsService,
    DeploymentsService,
    ContextsService,
    ImpactService,
    RunBatchService,
    PredictionCounterHook,
    SearchDocumentsService,
    ...CATALOG_RESOLVERS,
  ],
  exports: [CatalogReader, DatasetsService, ModelsService, StageRequestsService, RunsService, DeploymentsService, FeaturesService, RunBatchService, PredictionCounterHook, SearchDocumentsService],
})
export class CatalogModule {}
