import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsBoolean, IsEnum, IsInt, IsOptional, Matches, MaxLength, Min, MinLength, ValidateNested,
} from 'class-validator';
import { Connection } from '../../platform/graphql/connection';
import { JSONObjectScalar } from '../../platform/graphql/json.scalar';
import { CatalogFilter, NodeFieldsInput } from '../nodes/node.inputs';
import { CatalogNode } from '../nodes/node.types';

export enum ModelStage {
  NONE = 'none',
  STAGING = 'staging',
  PRODUCTION = 'production',
  ARCHIVED = 'archived',
}
registerEnumType(ModelStage, { name: 'ModelStage', description: 'At most one version of a model is in production.' });

@ObjectType()
export class TensorSpec {
  @Field() name: string;
  @Field({ description: 'Element type, e.g. float32, int64, string.' }) dtype: string;
  @Field(() => [Int], { nullable: true, description: 'Dimensions; -1 for a dynamic one.' }) shape: number[] | null;
}

@ObjectType()
export class ModelSignature {
  @Field(() => [TensorSpec]) inputs: TensorSpec[];
  @Field(() => [TensorSpec]) outputs: TensorSpec[];
}

@ObjectType({ implements: () => [CatalogNode] })
export class Model extends CatalogNode {}

@ObjectType({ implements: () => [CatalogNode], description: 'One trained artifact of a model.' })
export class ModelVersion extends CatalogNode {
  @Field(() => Int) version: number;
  @Field(() => String, { nullable: true }) artifactUri: string | null;
  @Field(() => String, { nullable: true, description: 'sha256 of the artifact, lowercase hex.' }) artifactSha256: string | null;
  @Field(() => String, { nullable: true, description: 'e.g. onnx, pytorch, xgboost, sklearn.' }) framework: string | null;
  @Field(() => ModelSignature, { nullable: true }) signature: ModelSignature | null;
  @Field(() => JSONObjectScalar) metrics: Record<string, unknown>;
  @Field(() => JSONObjectScalar) params: Record<string, unknown>;
  @Field(() => ModelStage) stage: ModelStage;
  @Field(() => Date, { nullable: true }) stageChangedAt: Date | null;
}

export const ModelConnection = Connection(Model, 'Model');
export const ModelVersionConnection = Connection(ModelVersion, 'ModelVersion');

const NO_SPACE = /^[\x21-\x7e\u00a0-\uffff]+$/u;

@InputType()
export class RegisterModelInput extends NodeFieldsInput {
  @Field() @MinLength(1) @MaxLength(300) @Matches(/^[\x21-\x3f\x41-\x7e\u00a0-\uffff]+$/u, {
    message: 'name must not contain whitespace, control characters or "@"',
  })
  name: string;
}

@InputType()
export class TensorSpecInput {
  @Field() @MinLength(1) @MaxLength(300) name: string;
  @Field() @MinLength(1) @MaxLength(50) dtype: string;
  @Field(() => [Int], { nullable: true }) @IsOptional() @ArrayMaxSize(16) @IsInt({ each: true }) @Min(-1, { each: true }) shape?: number[];
}

@InputType()
export class ModelSignatureInput {
  @Field(() => [TensorSpecInput]) @ArrayMaxSize(2000) @ValidateNested({ each: true }) @Type(() => TensorSpecInput) inputs: TensorSpecInput[];
  @Field(() => [TensorSpecInput]) @ArrayMaxSize(2000) @ValidateNested({ each: true }) @Type(() => TensorSpecInput) outputs: TensorSpecInput[];
}

@InputType()
export class RegisterModelVersionInput extends NodeFieldsInput {
  @Field() @MinLength(1) @MaxLength(1024) modelUrn: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) @Matches(NO_SPACE, { message: 'artifactUri must not contain whitespace' })
  artifactUri?: string;
  @Field(() => String, {
    nullable: true,
    description: 'sha256 of the artifact; registering a hash the model already has returns that version.',
  })
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'artifactSha256 must be 64 hexadecimal characters' })
  artifactSha256?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) framework?: string;
  @Field(() => ModelSignatureInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => ModelSignatureInput)
  signature?: ModelSignatureInput;
  @Field(() => JSONObjectScalar, { nullable: true }) @IsOptional() metrics?: Record<string, unknown>;
  @Field(() => JSONObjectScalar, { nullable: true }) @IsOptional() params?: Record<string, unknown>;
  @Field(() => String, { nullable: true, description: 'The training run that produced it (records an OUTPUT edge).' })
  @IsOptional()
  @MaxLength(1024)
  trainedByRunUrn?: string;
}

@InputType()
export class SetModelVersionStageInput {
  @Field() @MinLength(1) @MaxLength(1024) urn: string;
  @Field(() => ModelStage) @IsEnum(ModelStage) stage: ModelStage;
  @Field({ defaultValue: false, description: 'When promoting to production, archive the version currently there instead of failing.' })
  @IsBoolean()
  archiveExisting: boolean;
}

@ArgsType()
export class ModelListArgs {
  @Field(() => CatalogFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => CatalogFilter) filter?: CatalogFilter;
}

@ArgsType()
export class ModelVersionListArgs {
  @Field(() => ModelStage, { nullable: true }) @IsOptional() @IsEnum(ModelStage) stage?: ModelStage;
}

