import { ArgsType, Field, Float, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsEnum, IsOptional, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { Connection } from '../../platform/graphql/connection';
import { CatalogFilter, NodeFieldsInput } from '../nodes/node.inputs';
import { CatalogNode } from '../nodes/node.types';

export enum PredictionPayloads {
  STORE = 'store',
  HASH = 'hash',
}
registerEnumType(PredictionPayloads, {
  name: 'PredictionPayloads',
  description: 'What Pedigree keeps of logged prediction inputs and outputs.',
  valuesMap: {
    STORE: { description: 'Inputs and outputs as sent (replay and explanations possible).' },
    HASH: { description: 'Only their SHA-256 (for payloads that must not be stored); replay is not possible.' },
  },
});

@ObjectType({ implements: () => [CatalogNode], description: 'A serving endpoint; which model versions it served when is its revision history.' })
export class Deployment extends CatalogNode {
  @Field(() => String, { nullable: true, description: 'e.g. production, staging, eu-west-1.' }) environment: string | null;
  @Field(() => PredictionPayloads) predictionPayloads: PredictionPayloads;
}

@ObjectType({ description: 'One model version served by a deployment with a traffic share, from validFrom until validTo.' })
export class DeploymentRevision {
  @Field(() => ID) id: string;
  @Field(() => Float, { description: 'Fraction of traffic, 0 < share ≤ 1.' }) trafficShare: number;
  @Field() validFrom: Date;
  @Field(() => Date, { nullable: true, description: 'Null while the revision is current.' }) validTo: Date | null;
  @Field({ description: 'When Pedigree learned of this revision.' }) recordedAt: Date;
  modelVersionId: string;
  deploymentId: string;
}

export const DeploymentConnection = Connection(Deployment, 'Deployment');

@InputType()
export class RegisterDeploymentInput extends NodeFieldsInput {
  @Field() @MinLength(1) @MaxLength(300) @Matches(/^[\x21-\x3f\x41-\x7e\u00a0-\uffff]+$/u, {
    message: 'name must not contain whitespace, control characters or "@"',
  })
  name: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) environment?: string;
  @Field(() => PredictionPayloads, { nullable: true, description: 'Defaults to STORE for a new deployment; unchanged when omitted.' })
  @IsOptional()
  @IsEnum(PredictionPayloads)
  predictionPayloads?: PredictionPayloads;
}

@InputType()
export class TrafficSplitInput {
  @Field() @MinLength(1) @MaxLength(1024) modelVersionUrn: string;
  @Field(() => Float) @Min(0.00001) @Max(1) trafficShare: number;
}

@InputType({ description: 'Replaces what a deployment serves, from validFrom on. An empty traffic list undeploys everything.' })
export class ReviseDeploymentInput {
  @Field() @MinLength(1) @MaxLength(1024) deploymentUrn: string;
  @Field(() => [TrafficSplitInput]) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => TrafficSplitInput)
  traffic: TrafficSplitInput[];
  @Field(() => Date, { nullable: true, description: 'When the change took effect; defaults to now. History is append-only.' })
  @IsOptional()
  validFrom?: Date;
}

@ArgsType()
export class DeploymentListArgs {
  @Field(() => CatalogFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => CatalogFilter) filter?: CatalogFilter;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) environment?: string;
}
