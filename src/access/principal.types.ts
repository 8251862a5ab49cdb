import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, IsEnum, IsOptional, Matches, MaxLength, MinLength } from 'class-validator';

export enum PrincipalKind {
  USER = 'user',
  SERVICE = 'service',
}
registerEnumType(PrincipalKind, { name: 'PrincipalKind' });

export enum Role {
  READER = 'reader',
  WRITER = 'writer',
  INGESTER = 'ingester',
  AUDITOR = 'auditor',
  ADMIN = 'admin',
}
registerEnumType(Role, {
  name: 'Role',
  description:
    'reader: read metadata; writer: also register and change it and ingest events; ingester: the ingestion routes only; ' +
    'auditor: read metadata and the audit log; admin: everything. Policies add to (or deny from) these.',
});

@ObjectType()
export class Principal {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => PrincipalKind) kind: PrincipalKind;
  @Field(() => [Role]) roles: Role[];
  @Field(() => [String]) teams: string[];
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true, description: 'When the principal was disabled: its API keys and tokens are refused since.' })
  disabledAt: Date | null;
}

@ObjectType()
export class ApiKeyInfo {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field({ description: 'The first characters of the key, to recognise it; the key itself is never stored.' })
  prefix: string;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) expiresAt: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt: Date | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field({ description: 'The secret key. Shown once; store it now.' }) key: string;
  @Field(() => ApiKeyInfo) apiKey: ApiKeyInfo;
  @Field(() => Principal) principal: Principal;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

@InputType()
export class CreatePrincipalInput {
  @Field() @MinLength(1) @MaxLength(200) @Matches(NAME, { message: 'name may contain letters, digits and . _ @ - only' })
  name: string;
  @Field(() => PrincipalKind) @IsEnum(PrincipalKind) kind: PrincipalKind;
  @Field(() => [Role], { defaultValue: [Role.READER] }) @IsEnum(Role, { each: true }) @ArrayMaxSize(5) roles: Role[];
  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(50)
  @Matches(NAME, { each: true, message: 'team names may contain letters, digits and . _ @ - only' })
  @MaxLength(100, { each: true })
  teams: string[];
}

@InputType()
export class CreateApiKeyInput {
  @Field() @MinLength(1) @MaxLength(200) principalName: string;
  @Field() @MinLength(1) @MaxLength(200) name: string;
  @Field(() => Date, { nullable: true }) @IsOptional() expiresAt?: Date;
}

@ArgsType()
export class PrincipalNameArgs {
  @Field({ description: 'A principal’s name: an API-key principal, or the name a JWT carries (its `sub` by default).' })
  @MinLength(1)
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._@:|-]*$/, { message: 'name may contain letters, digits and . _ @ : | - only' })
  name: string;
}
