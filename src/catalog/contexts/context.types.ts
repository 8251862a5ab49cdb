import { ArgsType, Field, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsEnum, IsOptional, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Connection } from '../../platform/graphql/connection';
import { CatalogFilter, NodeFieldsInput } from '../nodes/node.inputs';
import { CatalogNode } from '../nodes/node.types';

export enum ContextKind {
  EXPERIMENT = 'experiment',
  PIPELINE = 'pipeline',
  PROJECT = 'project',
}
registerEnumType(ContextKind, { name: 'ContextKind' });

@ObjectType({ implements: () => [CatalogNode], description: 'A grouping of runs and artifacts (MLMD context).' })
export class Context extends CatalogNode {
  @Field(() => ContextKind) contextKind: ContextKind;
}

export const ContextConnection = Connection(Context, 'Context');

@InputType()
export class RegisterContextInput extends NodeFieldsInput {
  @Field(() => ContextKind) @IsEnum(ContextKind) contextKind: ContextKind;
  @Field() @MinLength(1) @MaxLength(300) @Matches(/^[\x21-\x7e\u00a0-\uffff]+$/u, { message: 'name must not contain whitespace or control characters' })
  name: string;
}

@InputType()
export class AddToContextInput {
  @Field() @MinLength(1) @MaxLength(1024) contextUrn: string;
  @Field(() => [String]) @ArrayMinSize(1) @ArrayMaxSize(1000) @MaxLength(1024, { each: true }) memberUrns: string[];
}

@ArgsType()
export class ContextListArgs {
  @Field(() => CatalogFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => CatalogFilter) filter?: CatalogFilter;
  @Field(() => ContextKind, { nullable: true }) @IsOptional() @IsEnum(ContextKind) contextKind?: ContextKind;
}
