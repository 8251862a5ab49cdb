import { ArgsType, Field, InputType, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Connection } from '../../platform/graphql/connection';
import { CatalogFilter, NodeFieldsInput } from '../nodes/node.inputs';
import { CatalogNode } from '../nodes/node.types';

@ObjectType({ implements: () => [CatalogNode], description: 'A commit of a repository, optionally narrowed to a path or entrypoint.' })
export class CodeVersion extends CatalogNode {
  @Field() repositoryUrl: string;
  @Field() commitSha: string;
  @Field({ description: 'Path or entrypoint inside the repository; empty for the whole repository.' }) path: string;
  @Field(() => String, { nullable: true }) branch: string | null;
  @Field(() => String, { nullable: true }) author: string | null;
  @Field(() => Date, { nullable: true }) committedAt: Date | null;
}

export const CodeVersionConnection = Connection(CodeVersion, 'CodeVersion');

const NO_SPACE = /^[\x21-\x7e\u00a0-\uffff]+$/u;

@InputType()
export class RegisterCodeVersionInput extends NodeFieldsInput {
  @Field({ description: 'e.g. https://github.com/acme/credit-models' })
  @MinLength(1)
  @MaxLength(500)
  @Matches(NO_SPACE, { message: 'repositoryUrl must not contain whitespace or control characters' })
  repositoryUrl: string;
  @Field({ description: 'Hexadecimal commit id, 7 to 64 characters.' })
  @Matches(/^[0-9a-fA-F]{7,64}$/, { message: 'commitSha must be 7 to 64 hexadecimal characters' })
  commitSha: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  @Matches(NO_SPACE, { message: 'path must not contain whitespace or control characters' })
  path?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(300) branch?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(300) author?: string;
  @Field(() => Date, { nullable: true }) @IsOptional() committedAt?: Date;
}

@ArgsType()
export class CodeVersionListArgs {
  @Field(() => CatalogFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => CatalogFilter) filter?: CatalogFilter;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(500) repositoryUrl?: string;
}
