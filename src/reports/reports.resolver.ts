import { Args, Query, Resolver } from '@nestjs/graphql';
import { Caller } from '../access/access.service';
import { CurrentCaller } from '../access/current-caller.decorator';
import { Authorize } from '../platform/auth/auth.decorators';
import { ModelVersionReportService } from './model-version-report.service';
import { PredictionReportService } from './prediction-report.service';
import { DatasetUsageReportService } from './dataset-usage-report.service';
import {
  DatasetUsageReport, DatasetUsageReportArgs, ModelVersionReport, ModelVersionReportArgs, PredictionReport, PredictionReportArgs,
} from './report.types';

@Resolver(() => ModelVersionReport)
export class ReportsResolver {
  constructor(
    private readonly modelVersions: ModelVersionReportService,
    private readonly predictions: PredictionReportService,
    private readonly datasets: DatasetUsageReportService,
  ) {}

  @Query(() => ModelVersionReport, {
    description: 'The compliance report of a model version as of `asOf` (default now). Needs `audit` on it; reading it is audited.',
  })
  @Authorize('audit', 'Catalog')
  modelVersionReport(@Args() args: ModelVersionReportArgs, @CurrentCaller() caller: Caller): Promise<ModelVersionReport> {
    return this.modelVersions.build(caller, args.urn, args.asOf);
  }

  @Query(() => PredictionReport, {
    description: 'The compliance report of one prediction: what served it, replay, attributions, training data. Needs `audit` on its deployment.',
  })
  @Authorize('audit', 'Catalog')
  predictionReport(@Args() args: PredictionReportArgs, @CurrentCaller() caller: Caller): Promise<PredictionReport> {
    return this.predictions.build(caller, args.id, args.asOf);
  }

  @Query(() => DatasetUsageReport, {
    description: 'Who used a dataset in [from, to): the runs that read it, what it feeds, who read its data. Needs `audit` on it.',
  })
  @Authorize('audit', 'Catalog')
  datasetUsageReport(@Args() args: DatasetUsageReportArgs, @CurrentCaller() caller: Caller): Promise<DatasetUsageReport> {
    return this.datasets.build(caller, args.urn, args.from, args.to);
  }
}
