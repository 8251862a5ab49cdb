import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsOptional, Max, MaxLength, Min, MinLength } from 'class-validator';
import { JSONScalar } from '../platform/graphql/json.scalar';

/** A stored prediction row, before field resolvers add the deployment, model version and lineage. */
export class PredictionRecord {
  id: string;
  timestamp: Date;
  deploymentId: string;
  modelVersionId: string;
  inputText: string | null;
  outputText: string | null;
  inputSha256: string | null;
  outputSha256: string | null;
  latencyMs: number | null;
  metadataText: string | null;
}

@ObjectType({ description: 'One logged prediction: what served it, with what input and output.' })
export class Prediction {
  @Field() id: string;
  @Field() timestamp: Date;
  @Field(() => Float, { nullable: true }) latencyMs: number | null;
}

export enum PredictionBucket {
  MINUTE = 'MINUTE',
  HOUR = 'HOUR',
  DAY = 'DAY',
}
registerEnumType(PredictionBucket, { name: 'PredictionBucket' });

@ArgsType()
export class PredictionStatsArgs {
  @Field() @MinLength(1) @MaxLength(1024) deploymentUrn: string;
  @Field({ description: 'Start (inclusive), minute resolution.' }) from: Date;
  @Field({ description: 'End (exclusive), minute resolution.' }) to: Date;
  @Field(() => PredictionBucket, { defaultValue: PredictionBucket.HOUR }) @IsEnum(PredictionBucket) bucket: PredictionBucket;
}

@ObjectType({ description: 'Predictions of one model version on a deployment in one time bucket.' })
export class PredictionStatsRow {
  @Field() bucketStart: Date;
  @Field(() => Float) count: number;
  modelVersionId: string;
}

@ArgsType()
export class ReplayArgs {
  @Field() @MinLength(1) @MaxLength(200) id: string;
  @Field(() => Float, { defaultValue: 1e-5, description: 'Largest absolute difference still counted as reproduced.' })
  @Min(0)
  @Max(1e6)
  tolerance: number;
}

@ObjectType({ description: 'The logged input run again through the exact model version artifact (ONNX Runtime, CPU).' })
export class PredictionReplay {
  @Field() predictionId: string;
  @Field({ description: 'sha256 of the artifact, verified before it was loaded.' }) artifactSha256: string;
  @Field(() => JSONScalar, { nullable: true }) loggedOutput: unknown;
  @Field(() => JSONScalar) newOutput: unknown;
  @Field(() => Float, { description: 'Largest absolute difference between logged and new output values.' }) maxAbsDifference: number;
  @Field(() => Float) tolerance: number;
  @Field() reproducible: boolean;
  @Field(() => [String], { description: 'Why it is not reproducible, or what was compared.' }) notes: string[];
  modelVersionId: string;
}

@ArgsType()
export class ExplainArgs {
  @Field() @MinLength(1) @MaxLength(200) id: string;
  @Field(() => Int, { defaultValue: 200, description: 'Permutations sampled when the model has more than 10 features (exact Shapley values up to 10).' })
  @Min(10)
  @Max(5000)
  samples: number;
  @Field(() => [Float], { nullable: true, description: 'Baseline row; default: the mean of up to 1,000 other logged inputs of the same model version.' })
  @IsOptional()
  baseline?: number[];
}

@ObjectType()
export class FeatureAttribution {
  @Field(() => Int) index: number;
  @Field() feature: string;
  @Field(() => Float) value: number;
  @Field(() => Float) baseline: number;
  @Field(() => Float, { description: 'Contribution to (prediction − baseline prediction).' }) attribution: number;
}

@ObjectType({ description: 'Per-feature attributions of one tabular prediction, with the method and its limits stated.' })
export class PredictionExplanation {
  @Field() predictionId: string;
  @Field({ description: 'The output explained (first output, first value).' }) output: string;
  @Field() method: string;
  @Field() limits: string;
  @Field() baselineSource: string;
  @Field(() => Float) predictedValue: number;
  @Field(() => Float) baselineValue: number;
  @Field(() => [FeatureAttribution]) attributions: FeatureAttribution[];
  @Field(() => Int, { description: 'Model evaluations spent.' }) evaluations: number;
}
