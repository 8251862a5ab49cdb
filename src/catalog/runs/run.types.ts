import { ArgsType, Field, Float, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsEnum, IsOptional, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { Connection } from '../../platform/graphql/connection';
import { JSONObjectScalar } from '../../platform/graphql/json.scalar';
import { CatalogFilter, NodeFieldsInput } from '../nodes/node.inputs';
import { CatalogNode } from '../nodes/node.types';

export enum RunKind {
  TRAINING = 'training',
  PIPELINE_STEP = 'pipeline_step',
  EVALUATION = 'evaluation',
  BATCH_INFERENCE = 'batch_inference',
  DATA_PROCESSING = 'data_processing',
}
registerEnumType(RunKind, { name: 'RunKind' });

export enum RunStatus {
  SCHEDULED = 'scheduled',
  RUNNING = 'running',
  COMPLETED = 'completed',
  FAILED = 'failed',
  ABORTED = 'aborted',
}
registerEnumType(RunStatus, {
  name: 'RunStatus',
  description: 'completed, failed and aborted are final: a late "running" update does not reopen a finished run.',
});

@ObjectType()
export class RunCompute {
  @Field(() => String, { nullable: true, description: 'e.g. NVIDIA H100 80GB.' }) gpuType: string | null;
  @Field(() => Int, { nullable: true }) gpuCount: number | null;
  @Field(() => Float, { nullable: true }) gpuHours: number | null;
  @Field(() => Float, { nullable: true }) energyKwh: number | null;
}

@ObjectType({ implements: () => [CatalogNode], description: 'An execution: a training run, pipeline step, evaluation, …' })
export class Run extends CatalogNode {
  @Field({ description: "The producer's run id (e.g. an OpenLineage runId)." }) runId: string;
  @Field(() => RunKind) runKind: RunKind;
  @Field(() => RunStatus) status: RunStatus;
  @Field(() => Date, { nullable: true }) startedAt: Date | null;
  @Field(() => Date, { nullable: true }) endedAt: Date | null;
  @Field(() => JSONObjectScalar) params: Record<string, unknown>;
  @Field(() => JSONObjectScalar) metrics: Record<string, unknown>;
}

export const RunConnection = Connection(Run, 'Run');

@InputType()
export class RunComputeInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) gpuType?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @Min(0) @Max(100_000) gpuCount?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @Min(0) @Max(1e9) gpuHours?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @Min(0) @Max(1e12) energyKwh?: number;
}

@InputType({ description: 'An input column an output column was derived from.' })
export class ColumnSourceInput {
  @Field({ description: 'Dataset version URN.' }) @MinLength(1) @MaxLength(1024) urn: string;
  @Field() @MinLength(1) @MaxLength(300) column: string;
  @Field(() => String, { nullable: true, description: 'e.g. IDENTITY, AGGREGATION: sum, MASKED.' })
  @IsOptional()
  @MaxLength(2000)
  transformation?: string;
}

@InputType({ description: "Column-level lineage of one output column (OpenLineage columnLineage facet's shape)." })
export class ColumnLineageInput {
  @Field({ description: 'Dataset version URN of the output.' }) @MinLength(1) @MaxLength(1024) outputUrn: string;
  @Field() @MinLength(1) @MaxLength(300) column: string;
  @Field(() => [ColumnSourceInput]) @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => ColumnSourceInput)
  inputs: ColumnSourceInput[];
}

@InputType({
  description:
    'Registers a run or merges into the one with the same runId: params and metrics merge, the first start time is kept, ' +
    'final statuses are kept, inputs/outputs/contexts are added.',
})
export class RegisterRunInput extends NodeFieldsInput {
  @Field() @MinLength(1) @MaxLength(300) @Matches(/^[\x21-\x7e\u00a0-\uffff]+$/u, { message: 'runId must not contain whitespace or control characters' })
  runId: string;
  @Field(() => String, { nullable: true, description: 'Display name, e.g. the job name; defaults to runId.' })
  @IsOptional()
  @MinLength(1)
  @MaxLength(500)
  name?: string;
  @Field(() => RunKind) @IsEnum(RunKind) kind: RunKind;
  @Field(() => RunStatus, { defaultValue: RunStatus.RUNNING }) @IsEnum(RunStatus) status: RunStatus;
  @Field(() => Date, { nullable: true }) @IsOptional() startedAt?: Date;
  @Field(() => Date, { nullable: true }) @IsOptional() endedAt?: Date;
  @Field(() => JSONObjectScalar, { nullable: true }) @IsOptional() params?: Record<string, unknown>;
  @Field(() => JSONObjectScalar, { nullable: true }) @IsOptional() metrics?: Record<string, unknown>;
  @Field(() => RunComputeInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => RunComputeInput) compute?: RunComputeInput;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(1024) parentRunUrn?: string;
  @Field(() => String, { nullable: true, description: 'The code version this run executed (records a CODE edge).' })
  @IsOptional()
  @MaxLength(1024)
  codeVersionUrn?: string;
  @Field(() => [String], { nullable: true, description: 'Dataset versions, model versions or feature views read (INPUT edges).' })
  @IsOptional()
  @ArrayMaxSize(1000)
  @MaxLength(1024, { each: true })
  inputs?: string[];
  @Field(() => [String], { nullable: true, description: 'Dataset versions or model versions written (OUTPUT edges).' })
  @IsOptional()
  @ArrayMaxSize(1000)
  @MaxLength(1024, { each: true })
  outputs?: string[];
  @Field(() => [String], { nullable: true, description: 'Contexts (experiment / pipeline / project) this run belongs to.' })
  @IsOptional()
  @ArrayMaxSize(100)
  @MaxLength(1024, { each: true })
  contextUrns?: string[];
  @Field(() => [ColumnLineageInput], { nullable: true, description: 'Per output column, the input columns it was derived from.' })
  @IsOptional()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => ColumnLineageInput)
  columnLineage?: ColumnLineageInput[];
}

@ArgsType()
export class RunListArgs {
  @Field(() => CatalogFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => CatalogFilter) filter?: CatalogFilter;
  @Field(() => RunKind, { nullable: true }) @IsOptional() @IsEnum(RunKind) runKind?: RunKind;
  @Field(() => RunStatus, { nullable: true }) @IsOptional() @IsEnum(RunStatus) status?: RunStatus;
}
