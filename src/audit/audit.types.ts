/** GraphQL shapes of the audit log. */
import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { Connection } from '../platform/graphql/connection';
import { JSONObjectScalar } from '../platform/graphql/json.scalar';

@ObjectType({ description: 'One audit log entry. Entries are hash-chained in `seq` order.' })
export class AuditEntry {
  @Field(() => ID) seq: string;
  @Field() at: Date;
  @Field({ description: 'Who acted (principal name; "system" for the service itself).' }) principal: string;
  @Field({ description: 'What was done: a mutation or route name, readData, ingest, …' }) action: string;
  @Field(() => String, { nullable: true, description: 'URN (or name) of what it was done to.' }) target: string | null;
  @Field({ description: 'succeeded, failed, denied or allowed.' }) outcome: string;
  @Field(() => String, { nullable: true }) requestId: string | null;
  @Field(() => JSONObjectScalar) details: Record<string, unknown>;
  @Field(() => String, {
    nullable: true,
    description: 'sha256 (hex) of the previous link’s hash and this entry’s canonical form; null for the moment until it is sealed.',
  })
  hash: string | null;
}

export const AuditEntryConnection = Connection(AuditEntry, 'AuditEntry');

@InputType()
export class AuditLogFilter {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) principal?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) action?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(1024) target?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(20) outcome?: string;
  @Field(() => Date, { nullable: true, description: 'At or after this time.' }) @IsOptional() from?: Date;
  @Field(() => Date, { nullable: true, description: 'Before this time.' }) @IsOptional() to?: Date;
}

@ArgsType()
export class VerifyAuditLogArgs {
  @Field(() => Date, { nullable: true, description: 'Check entries at or after this time (default: from the first).' })
  @IsOptional()
  from?: Date;
  @Field(() => Date, { nullable: true, description: 'Check entries before this time (default: to the last).' })
  @IsOptional()
  to?: Date;
}

@ObjectType({ description: 'The result of recomputing the audit chain.' })
export class AuditVerification {
  @Field() ok: boolean;
  @Field(() => Int) checked: number;
  @Field(() => String, { nullable: true }) firstSeq: string | null;
  @Field(() => String, { nullable: true }) lastSeq: string | null;
  @Field(() => String, { nullable: true, description: 'Hash of the last entry checked: note it down to anchor the chain.' })
  headHash: string | null;
  @Field(() => String, { nullable: true, description: 'The first broken link (seq), when not ok.' }) brokenAt: string | null;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => Int, { description: 'Entries appended but not chained yet (still committing); checked by a later verification.' })
  unsealed: number;
}
