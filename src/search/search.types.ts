import { ArgsType, Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsEnum, IsOptional, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { NodeKind } from '../catalog/nodes/node.types';
import { CatalogNode } from '../catalog/nodes/node.types';

export const MAX_QUERY_LENGTH = 200;

@InputType()
export class SearchFilter {
  @Field(() => [NodeKind], { nullable: true }) @IsOptional() @ArrayMaxSize(20) @IsEnum(NodeKind, { each: true }) kinds?: NodeKind[];
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(50) @MaxLength(200, { each: true }) domains?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(50) @MaxLength(200, { each: true }) ownerTeams?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(50) @MaxLength(200, { each: true }) tags?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(50) @MaxLength(200, { each: true }) classifications?: string[];
  @Field(() => [String], { nullable: true, description: 'Dataset platforms: the scheme of their namespace, e.g. postgres, s3, bigquery.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @MaxLength(200, { each: true })
  platforms?: string[];
}

@ArgsType()
export class SearchArgs {
  @Field({ defaultValue: '', description: `Words to find (≤ ${MAX_QUERY_LENGTH} characters); empty browses by usage.` })
  query: string;
  @Field(() => SearchFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => SearchFilter) filter?: SearchFilter;
  @Field(() => Int, { defaultValue: 20 }) @Min(1) @Max(100) first: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) after?: string;
}

@ObjectType()
export class SearchHighlight {
  @Field({ description: 'name, description or columns.' }) field: string;
  @Field({ description: 'A fragment with the matched words in <mark>…</mark>.' }) fragment: string;
}

@ObjectType()
export class SearchHit {
  @Field(() => CatalogNode) entity: unknown;
  @Field(() => Float) score: number;
  @Field(() => [SearchHighlight]) highlights: SearchHighlight[];
  nodeId: string;
}

@ObjectType()
export class FacetValueCount {
  @Field() value: string;
  @Field(() => Int) count: number;
}

@ObjectType({ description: 'Counts over every match (after the filter), top 20 values each.' })
export class SearchFacets {
  @Field(() => [FacetValueCount]) kinds: FacetValueCount[];
  @Field(() => [FacetValueCount]) domains: FacetValueCount[];
  @Field(() => [FacetValueCount]) ownerTeams: FacetValueCount[];
  @Field(() => [FacetValueCount]) tags: FacetValueCount[];
  @Field(() => [FacetValueCount]) classifications: FacetValueCount[];
  @Field(() => [FacetValueCount]) platforms: FacetValueCount[];
}

@ObjectType()
export class SearchResults {
  @Field(() => [SearchHit]) hits: SearchHit[];
  @Field(() => Int) total: number;
  @Field({
    description:
      'True when `total` and the facet counts are estimates: a query matching more than about 10,000 entities is counted from a sample (PostgreSQL index). The hits are ranked the same either way.',
  })
  approximate: boolean;
  @Field(() => SearchFacets) facets: SearchFacets;
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' }) endCursor: string | null;
  @Field() hasNextPage: boolean;
}

@ObjectType()
export class Suggestion {
  @Field() urn: string;
  @Field() name: string;
  @Field(() => NodeKind) kind: NodeKind;
}
