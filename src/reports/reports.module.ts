/** Compliance reports, built from the catalog, lineage, predictions' counts and the audit log. */
import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { IngestionModule } from '../ingestion/ingestion.module';
import { LineageModule } from '../lineage/lineage.module';
import { PredictionsModule } from '../predictions/predictions.module';
import { PredictionReportService } from './prediction-report.service';
import { DatasetUsageReportService } from './dataset-usage-report.service';
import { ModelVersionReportService } from './model-version-report.service';
import { ReportsController } from './reports.controller';
import { ReportsResolver } from './reports.resolver';

export const REPORT_RESOLVERS = [ReportsResolver];

@Module({
  imports: [CatalogModule, LineageModule, IngestionModule, PredictionsModule],
  providers: [ModelVersionReportService, PredictionReportService, DatasetUsageReportService, ...REPORT_RESOLVERS],
  controllers: [ReportsController],
})
export class ReportsModule {}
