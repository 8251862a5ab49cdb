/**
 * Ingestion: event schemas, the one pipeline (decode → validate → normalize → apply → dead-letter), and its
 * transports (HTTP always; Kafka when KAFKA_BROKERS is set — prediction topics go to the predictions
 * service). Writes the catalog only through its services.
 */
import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { MetricsModule } from '../platform/metrics/metrics';
import { PredictionsModule } from '../predictions/predictions.module';
import { DeadLettersResolver } from './dead-letters.resolver';
import { IngestionController } from './http/ingestion.controller';
import { IngestionService } from './ingestion.service';
import { PedigreeEventApplier } from './pedigree/pedigree-applier';
import { KafkaIngestion } from './kafka/kafka-ingestion';

export const INGESTION_RESOLVERS = [DeadLettersResolver];

@Module({
  imports: [CatalogModule, MetricsModule, PredictionsModule],
  providers: [IngestionService, PedigreeEventApplier, KafkaIngestion, ...INGESTION_RESOLVERS],
  controllers: [IngestionController],
  exports: [IngestionService],
})
export class IngestionModule {}
