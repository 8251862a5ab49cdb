/** GraphQL shapes of lineage answers. Nodes carry their label fields; `entity` is resolved by the catalog. */
import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, IsEnum, IsOptional, Max, MaxLength, Min, MinLength } from 'class-validator';
import { NodeKind } from '../platform/graph/node-kind';
import { EdgeKind } from './edge.types';

export enum LineageDirection {
  UPSTREAM = 'UPSTREAM',
  DOWNSTREAM = 'DOWNSTREAM',
  BOTH = 'BOTH',
}
registerEnumType(LineageDirection, { name: 'LineageDirection', description: 'UPSTREAM: where it came from; DOWNSTREAM: what it affects.' });

export enum TruncationReason {
  DEPTH = 'DEPTH',
  LIMIT = 'LIMIT',
}
registerEnumType(TruncationReason, {
  name: 'TruncationReason',
  description: 'DEPTH: the graph goes on past the requested depth; LIMIT: more edges exist than the requested limit.',
});

export const MAX_DEPTH = 50;
export const MAX_LIMIT = 10_000;

@ObjectType({
  description:
    'A node of a lineage answer. A node the caller may not read stays in the graph, redacted: kind and id only, ' +
    'so paths stay true and names do not leak.',
})
export class LineageNode {
  @Field(() => ID) id: string;
  @Field(() => NodeKind) kind: NodeKind;
  @Field(() => String, { nullable: true, description: 'Null when redacted.' }) urn: string | null;
  @Field(() => String, { nullable: true, description: 'Null when redacted.' }) name: string | null;
  @Field({ description: 'True when the caller may not read this node: only its kind and id are shown.' }) redacted: boolean;
  @Field(() => Int, { description: 'Hops from the start (0 for the start and, for a dataset or model, its versions).' }) depth: number;
  @Field(() => LineageDirection, { description: 'Which walk reached it (UPSTREAM or DOWNSTREAM); BOTH for the start.' })
  direction: LineageDirection;
}

@ObjectType({ description: 'A lineage edge: data flows from `from` to `to`.' })
export class LineageEdge {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true, description: 'URN of the upstream end (null when that node is redacted).' }) from: string | null;
  @Field(() => String, { nullable: true, description: 'URN of the downstream end (null when that node is redacted).' }) to: string | null;
  @Field(() => ID, { description: 'Id of the upstream end (a LineageNode id).' }) fromId: string;
  @Field(() => ID, { description: 'Id of the downstream end (a LineageNode id).' }) toId: string;
  @Field(() => EdgeKind) kind: EdgeKind;
  @Field({ description: 'When the edge became true (it appeared).' }) validFrom: Date;
  @Field(() => Date, { nullable: true, description: 'When it stopped being true; null while current.' }) validTo: Date | null;
}

@ObjectType()
export class LineageGraph {
  @Field(() => LineageNode) root: LineageNode;
  @Field(() => [LineageNode]) nodes: LineageNode[];
  @Field(() => [LineageEdge]) edges: LineageEdge[];
  @Field({ description: 'True when depth or limit cut the answer; see truncationReasons.' }) truncated: boolean;
  @Field(() => [TruncationReason]) truncationReasons: TruncationReason[];
}

@ArgsType()
export class LineageArgs {
  @Field() @MinLength(1) @MaxLength(1024) urn: string;
  @Field(() => LineageDirection, { defaultValue: LineageDirection.UPSTREAM }) @IsEnum(LineageDirection) direction: LineageDirection;
  @Field(() => Int, { defaultValue: 5, description: `Hops, 1..${MAX_DEPTH}.` })
  @Min(1, { message: `depth must be between 1 and ${MAX_DEPTH}` })
  @Max(MAX_DEPTH, { message: `depth must be between 1 and ${MAX_DEPTH}` })
  depth: number;
  @Field(() => Date, { nullable: true, description: 'The graph as it stood at this time (may be in the future).' })
  @IsOptional()
  asOf?: Date;
  @Field(() => [NodeKind], { nullable: true, description: 'Return only nodes of these kinds (the walk still passes through all).' })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsEnum(NodeKind, { each: true })
  kinds?: NodeKind[];
  @Field(() => Int, { defaultValue: 1000, description: `Most edges returned per direction, 1..${MAX_LIMIT}.` })
  @Min(1, { message: `limit must be between 1 and ${MAX_LIMIT}` })
  @Max(MAX_LIMIT, { message: `limit must be between 1 and ${MAX_LIMIT}` })
  limit: number;
}

@ObjectType({ description: 'Shortest lineage paths between two nodes, following the direction of data flow.' })
export class LineagePaths {
  @Field(() => [[LineageNode]], { description: 'Each path lists its nodes from upstream to downstream; empty when none is within maxDepth.' })
  paths: LineageNode[][];
  @Field(() => [LineageEdge]) edges: LineageEdge[];
  @Field({ description: 'True when the search stopped at its node budget before finding or excluding a path.' }) truncated: boolean;
}

@ArgsType()
export class PathArgs {
  @Field() @MinLength(1) @MaxLength(1024) fromUrn: string;
  @Field() @MinLength(1) @MaxLength(1024) toUrn: string;
  @Field(() => Int, { defaultValue: 10 })
  @Min(1, { message: `maxDepth must be between 1 and ${MAX_DEPTH}` })
  @Max(MAX_DEPTH, { message: `maxDepth must be between 1 and ${MAX_DEPTH}` })
  maxDepth: number;
  @Field(() => Date, { nullable: true }) @IsOptional() asOf?: Date;
}

@ObjectType({ description: 'A column of a dataset version. Both fields are null when the caller may not read that dataset version.' })
export class ColumnRef {
  @Field(() => String, { nullable: true, description: 'URN of the dataset version (null when redacted).' }) urn: string | null;
  @Field(() => String, { nullable: true, description: 'Null when redacted.' }) column: string | null;
}

@ObjectType()
export class ColumnLineageNode extends ColumnRef {
  @Field(() => Int) depth: number;
}

@ObjectType({ description: 'Output column `to` was derived from input column `from` by `run`.' })
export class ColumnLineageEdge {
  @Field(() => ID) id: string;
  @Field(() => ColumnRef) from: ColumnRef;
  @Field(() => ColumnRef) to: ColumnRef;
  @Field(() => String, { nullable: true, description: 'URN of the run that recorded the derivation (null when redacted).' }) run: string | null;
  @Field(() => String, { nullable: true }) transformation: string | null;
}

@ObjectType()
export class ColumnLineageGraph {
  @Field(() => ColumnRef) root: ColumnRef;
  @Field(() => [ColumnLineageNode]) columns: ColumnLineageNode[];
  @Field(() => [ColumnLineageEdge]) edges: ColumnLineageEdge[];
  @Field() truncated: boolean;
  @Field(() => [TruncationReason]) truncationReasons: TruncationReason[];
}

@ArgsType()
export class ColumnLineageArgs {
  @Field() @MinLength(1) @MaxLength(1024) datasetVersionUrn: string;
  @Field() @MinLength(1) @MaxLength(300) column: string;
  @Field(() => LineageDirection, { defaultValue: LineageDirection.UPSTREAM }) @IsEnum(LineageDirection) direction: LineageDirection;
  @Field(() => Int, { defaultValue: 5 })
  @Min(1, { message: `depth must be between 1 and ${MAX_DEPTH}` })
  @Max(MAX_DEPTH, { message: `depth must be between 1 and ${MAX_DEPTH}` })
  depth: number;
  @Field(() => Int, { defaultValue: 1000 })
  @Min(1, { message: `limit must be between 1 and ${MAX_LIMIT}` })
  @Max(MAX_LIMIT, { message: `limit must be between 1 and ${MAX_LIMIT}` })
  limit: number;
}
