import { ArgsType, Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, Max, MaxLength, Min, MinLength } from 'class-validator';
import { LineageNode, MAX_DEPTH, MAX_LIMIT, TruncationReason } from '../../lineage/lineage.types';
import { NodeKind } from '../nodes/node.types';

@ObjectType()
export class ImpactGroup {
  @Field(() => NodeKind) kind: NodeKind;
  @Field(() => Int) count: number;
  @Field(() => [LineageNode]) nodes: LineageNode[];
}

@ObjectType({ description: 'A model version serving from a deployment after `since`.' })
export class ServingWindow {
  @Field(() => Float) trafficShare: number;
  @Field({ description: 'Start of serving, or `since` if it started earlier.' }) from: Date;
  @Field(() => Date, { nullable: true, description: 'End of serving; null while it still serves.' }) to: Date | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Predictions logged in the window (minute resolution, from the prediction_count rollup); null where prediction logging is not loaded.',
  })
  predictionCount: number | null;
  modelVersionId: string;
}

@ObjectType()
export class DeploymentImpact {
  @Field(() => [ServingWindow]) windows: ServingWindow[];
  deploymentId: string;
}

@ObjectType({ description: 'Everything downstream of a node, grouped by kind, and how the deployments reached served since a time.' })
export class Impact {
  @Field(() => LineageNode) root: LineageNode;
  @Field(() => Date, { nullable: true }) since: Date | null;
  @Field(() => [ImpactGroup]) groups: ImpactGroup[];
  @Field(() => [DeploymentImpact]) deployments: DeploymentImpact[];
  @Field() truncated: boolean;
  @Field(() => [TruncationReason]) truncationReasons: TruncationReason[];
}

@ArgsType()
export class ImpactArgs {
  @Field() @MinLength(1) @MaxLength(1024) urn: string;
  @Field(() => Date, { nullable: true, description: 'Serving windows are reported from this time on (default: all history).' })
  @IsOptional()
  since?: Date;
  @Field(() => Int, { defaultValue: 20 }) @Min(1) @Max(MAX_DEPTH) depth: number;
  @Field(() => Int, { defaultValue: MAX_LIMIT }) @Min(1) @Max(MAX_LIMIT) limit: number;
}
