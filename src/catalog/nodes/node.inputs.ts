/** Inputs shared by every registration (ownership, classification, free-form properties) and list filters. */
import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsOptional, Matches, MaxLength, MinLength } from 'class-validator';
import { JSONObjectScalar } from '../../platform/graphql/json.scalar';

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
const LABEL_MESSAGE = 'must start with a letter or digit and contain only letters, digits and . _ : / -';

@InputType({ isAbstract: true })
export abstract class NodeFieldsInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(10_000) description?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) @Matches(LABEL, { message: `ownerTeam ${LABEL_MESSAGE}` })
  ownerTeam?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) @Matches(LABEL, { message: `domain ${LABEL_MESSAGE}` })
  domain?: string;
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(100)
  @MaxLength(100, { each: true })
  @Matches(LABEL, { each: true, message: `each tag ${LABEL_MESSAGE}` })
  tags?: string[];
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @MaxLength(100, { each: true })
  @Matches(LABEL, { each: true, message: `each classification ${LABEL_MESSAGE}` })
  classifications?: string[];
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Free-form typed properties (JSON object, size-limited).' })
  @IsOptional()
  properties?: Record<string, unknown>;
}

@InputType({ description: 'All given conditions must hold.' })
export class CatalogFilter {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) ownerTeam?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) domain?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) tag?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) classification?: string;
  @Field(() => String, { nullable: true, description: 'Case-sensitive prefix of the name.' })
  @IsOptional()
  @MinLength(1)
  @MaxLength(400)
  namePrefix?: string;
}

@ArgsType()
export class UrnArgs {
  @Field() @MinLength(1) @MaxLength(1024) urn: string;
}
