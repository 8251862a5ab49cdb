import { ArgsType, Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested,
} from 'class-validator';
import { Connection } from '../../platform/graphql/connection';
import { CatalogFilter, NodeFieldsInput } from '../nodes/node.inputs';
import { CatalogNode } from '../nodes/node.types';

@ObjectType()
export class ColumnSchema {
  @Field() name: string;
  @Field({ description: 'Type as the source system names it, e.g. varchar(32), int64, timestamp.' }) type: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String]) classifications: string[];
}

@ObjectType()
export class ColumnStatistics {
  @Field() name: string;
  @Field(() => Float, { nullable: true }) nullFraction?: number | null;
  @Field(() => Float, { nullable: true }) distinctCount?: number | null;
  @Field(() => String, { nullable: true, description: 'Minimum, rendered as text.' }) min?: string | null;
  @Field(() => String, { nullable: true, description: 'Maximum, rendered as text.' }) max?: string | null;
}

@ObjectType()
export class DatasetStatistics {
  @Field(() => Float, { nullable: true }) rowCount?: number | null;
  @Field(() => Float, { nullable: true }) bytes?: number | null;
  @Field(() => [ColumnStatistics]) columns: ColumnStatistics[];
}

@ObjectType({ implements: () => [CatalogNode], description: 'A dataset, named as in OpenLineage (namespace + name).' })
export class Dataset extends CatalogNode {
  @Field() namespace: string;
}

@ObjectType({ implements: () => [CatalogNode], description: 'One immutable version of a dataset.' })
export class DatasetVersion extends CatalogNode {
  @Field(() => Int) version: number;
  @Field(() => String, { nullable: true }) contentHash: string | null;
  @Field(() => String, { nullable: true }) locationUri: string | null;
  @Field(() => [ColumnSchema]) columns: ColumnSchema[];
  @Field(() => DatasetStatistics, { nullable: true }) statistics: DatasetStatistics | null;
}

export const DatasetConnection = Connection(Dataset, 'Dataset');
export const DatasetVersionConnection = Connection(DatasetVersion, 'DatasetVersion');

const IDENT = /^[\x21-\x7e\u00a0-\uffff]+$/u;

@InputType()
export class ColumnInput {
  @Field() @MinLength(1) @MaxLength(300) @Matches(/^[^\x00-\x1f]+$/, { message: 'column name must not contain control characters' })
  name: string;
  @Field() @MinLength(1) @MaxLength(200) type: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) description?: string;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(20) @MaxLength(100, { each: true }) classifications?: string[];
}

@InputType()
export class ColumnStatisticsInput {
  @Field() @MinLength(1) @MaxLength(300) name: string;
  @Field(() => Float, { nullable: true }) @IsOptional() @Min(0) @Max(1) nullFraction?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @Min(0) distinctCount?: number;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(1000) min?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(1000) max?: string;
}

@InputType()
export class DatasetStatisticsInput {
  @Field(() => Float, { nullable: true }) @IsOptional() @Min(0) rowCount?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @Min(0) bytes?: number;
  @Field(() => [ColumnStatisticsInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => ColumnStatisticsInput)
  columns?: ColumnStatisticsInput[];
}

@InputType()
export class RegisterDatasetInput extends NodeFieldsInput {
  @Field({ description: 'OpenLineage namespace, e.g. postgres://warehouse:5432 or s3://bucket.' })
  @MinLength(1)
  @MaxLength(300)
  @Matches(IDENT, { message: 'namespace must not contain whitespace or control characters' })
  namespace: string;

  @Field({ description: 'OpenLineage dataset name, e.g. public.customers.' })
  @MinLength(1)
  @MaxLength(500)
  @Matches(IDENT, { message: 'name must not contain whitespace or control characters' })
  name: string;
}

@InputType()
export class RegisterDatasetVersionInput extends NodeFieldsInput {
  @Field() @MinLength(1) @MaxLength(1024) datasetUrn: string;

  @Field(() => String, {
    nullable: true,
    description: 'Content hash; registering a hash the dataset already has returns that version instead of a new one.',
  })
  @IsOptional()
  @MinLength(1)
  @MaxLength(200)
  @Matches(IDENT, { message: 'contentHash must not contain whitespace' })
  contentHash?: string;

  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) locationUri?: string;

  @Field(() => [ColumnInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => ColumnInput)
  columns?: ColumnInput[];

  @Field(() => DatasetStatisticsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DatasetStatisticsInput)
  statistics?: DatasetStatisticsInput;

  @Field(() => String, { nullable: true, description: 'The run that wrote this version (records an OUTPUT edge).' })
  @IsOptional()
  @MaxLength(1024)
  producedByRunUrn?: string;
}

@ArgsType()
export class DatasetListArgs {
  @Field(() => CatalogFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => CatalogFilter) filter?: CatalogFilter;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(300) namespace?: string;
}
