/** GraphQL shapes of access policies. */
import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, IsEnum, IsOptional, Matches, MaxLength, MinLength } from 'class-validator';
import { NodeKind } from '../platform/graph/node-kind';

export enum PolicyEffect {
  ALLOW = 'allow',
  DENY = 'deny',
}
registerEnumType(PolicyEffect, { name: 'PolicyEffect', description: 'A deny wins over any allow.' });

export enum PolicyAction {
  READ = 'read',
  READ_DATA = 'readData',
  WRITE = 'write',
  APPROVE = 'approve',
  AUDIT = 'audit',
  ADMIN = 'admin',
}
registerEnumType(PolicyAction, {
  name: 'PolicyAction',
  description:
    'read: metadata (names, columns, owners, quality); readData: locations, sample values, prediction payloads; ' +
    'write: register and change; approve: decide access and stage requests; audit: read the audit log; admin: everything.',
});

/** Stands, in `ownerTeams`, for the teams of whoever is asking. */
export const CALLER_TEAMS = '$callerTeams';

@ObjectType({ description: 'Who (principals, teams, roles) may or may not do what (actions) to which catalog entities (conditions).' })
export class AccessPolicy {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => PolicyEffect) effect: PolicyEffect;
  @Field(() => [PolicyAction]) actions: PolicyAction[];
  @Field(() => [String], { description: 'Principal names it applies to.' }) principals: string[];
  @Field(() => [String], { description: 'Teams whose members it applies to.' }) teams: string[];
  @Field(() => [String], { description: 'Roles whose holders it applies to.' }) roles: string[];
  @Field(() => [NodeKind], { description: 'Entity kinds it covers (empty: all).' }) kinds: NodeKind[];
  @Field(() => [String], { description: 'Domains it covers (empty: all).' }) domains: string[];
  @Field(() => [String], { description: `Owner teams it covers (empty: all; "${CALLER_TEAMS}": the caller's own teams).` })
  ownerTeams: string[];
  @Field(() => [String], { description: 'Entities with any of these tags (empty: all).' }) tags: string[];
  @Field(() => [String], { description: 'Entities with any of these classifications (empty: all).' }) classifications: string[];
  @Field(() => [String], { description: 'These entities only (empty: all).' }) urns: string[];
  @Field(() => [String], {
    description: 'Field restriction: an allow grants only these fields, a deny withholds only these (empty: every field).',
  })
  fields: string[];
  @Field(() => Date, { nullable: true }) expiresAt: Date | null;
  @Field() createdBy: string;
  @Field() createdAt: Date;
  @Field() updatedAt: Date;
}

const TOKEN = /^[A-Za-z0-9$][A-Za-z0-9._@:/-]*$/;

@InputType({ description: 'A policy; putting one with an existing name replaces it. Every list is matched exactly (no patterns).' })
export class PolicyInput {
  @Field() @MinLength(1) @MaxLength(200) @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, { message: 'name may contain letters, digits and . _ : @ - only' })
  name: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) description?: string;
  @Field(() => PolicyEffect) @IsEnum(PolicyEffect) effect: PolicyEffect;
  @Field(() => [PolicyAction]) @IsEnum(PolicyAction, { each: true }) @ArrayMaxSize(6) actions: PolicyAction[];
  @Field(() => [String], { defaultValue: [] }) @Matches(TOKEN, { each: true, message: 'principal names are plain names' }) @ArrayMaxSize(100) @MaxLength(1024, { each: true })
  principals: string[];
  @Field(() => [String], { defaultValue: [] }) @Matches(TOKEN, { each: true, message: 'team names are plain names' }) @ArrayMaxSize(100) @MaxLength(1024, { each: true })
  teams: string[];
  @Field(() => [String], { defaultValue: [] }) @Matches(TOKEN, { each: true, message: 'role names are plain names' }) @ArrayMaxSize(10) @MaxLength(1024, { each: true })
  roles: string[];
  @Field(() => [NodeKind], { defaultValue: [] }) @IsEnum(NodeKind, { each: true }) @ArrayMaxSize(20) kinds: NodeKind[];
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(100) @MaxLength(1024, { each: true }) domains: string[];
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(100) @MaxLength(1024, { each: true }) ownerTeams: string[];
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(100) @MaxLength(1024, { each: true }) tags: string[];
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(100) @MaxLength(1024, { each: true }) classifications: string[];
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(1000) @MaxLength(1024, { each: true }) urns: string[];
  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(100)
  @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/, { each: true, message: 'fields are GraphQL field names' })
  fields: string[];
  @Field(() => Date, { nullable: true }) @IsOptional() expiresAt?: Date;
}
