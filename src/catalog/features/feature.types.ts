import { ArgsType, Field, InputType, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsOptional, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Connection } from '../../platform/graphql/connection';
import { CatalogFilter, NodeFieldsInput } from '../nodes/node.inputs';
import { CatalogNode } from '../nodes/node.types';

@ObjectType()
export class Feature {
  @Field() name: string;
  @Field({ description: 'e.g. float64, int64, string, array<float32>.' }) dtype: string;
  @Field(() => String, { nullable: true }) description: string | null;
}

@ObjectType({ implements: () => [CatalogNode], description: 'A group of features keyed by entity join keys, computed from a source dataset.' })
export class FeatureView extends CatalogNode {
  @Field(() => [String], { description: 'Entity join keys, e.g. customer_id.' }) entities: string[];
}

export const FeatureViewConnection = Connection(FeatureView, 'FeatureView');

@InputType()
export class FeatureInput {
  @Field() @MinLength(1) @MaxLength(300) @Matches(/^[^\s\x00-\x1f]+$/, { message: 'feature name must not contain whitespace' })
  name: string;
  @Field() @MinLength(1) @MaxLength(100) dtype: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) description?: string;
}

@InputType({ description: 'Registers a feature view or updates it; features are added or updated by name, never silently dropped.' })
export class RegisterFeatureViewInput extends NodeFieldsInput {
  @Field() @MinLength(1) @MaxLength(300) @Matches(/^[\x21-\x3f\x41-\x7e\u00a0-\uffff]+$/u, {
    message: 'name must not contain whitespace, control characters or "@"',
  })
  name: string;
  @Field(() => [String]) @ArrayMinSize(1) @ArrayMaxSize(20) @MaxLength(300, { each: true }) entities: string[];
  @Field(() => String, { nullable: true, description: 'The dataset the features are computed from (records a SOURCE edge).' })
  @IsOptional()
  @MaxLength(1024)
  sourceDatasetUrn?: string;
  @Field(() => [FeatureInput], { defaultValue: [] })
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => FeatureInput)
  features: FeatureInput[];
}

@ArgsType()
export class FeatureViewListArgs {
  @Field(() => CatalogFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => CatalogFilter) filter?: CatalogFilter;
}
