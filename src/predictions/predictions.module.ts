/**
 * Predictions: logging served predictions at volume (Arrow IPC or JSON lines over HTTP, Kafka messages),
 * daily partitions with retention, lookups that trace a prediction to its model version and lineage,
 * statistics, and replay / explanation with ONNX Runtime. Uses the catalog and lineage through their
 * exported services; gives the catalog's impact analysis its prediction counts through PredictionCounterHook.
 */
import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CatalogModule } from '../catalog/catalog.module';
import { LineageModule } from '../lineage/lineage.module';
import { MetricsModule } from '../platform/metrics/metrics';
import { PredictionsController } from './http/predictions.controller';
import { PredictionIngestService } from './ingest/prediction-ingest.service';
import { ReplayService } from './onnx/replay.service';
import { PredictionQueryService } from './prediction-query.service';
import { PredictionReplayResolver, PredictionsResolver, PredictionStatsRowResolver } from './predictions.resolver';

export const PREDICTION_RESOLVERS = [PredictionsResolver, PredictionStatsRowResolver, PredictionReplayResolver];

@Module({
  imports: [AccessModule, CatalogModule, LineageModule, MetricsModule],
  providers: [PredictionIngestService, PredictionQueryService, ReplayService, ...PREDICTION_RESOLVERS],
  controllers: [PredictionsController],
  exports: [PredictionIngestService, PredictionQueryService, ReplayService],
})
export class PredictionsModule {}
