/** GraphQL shapes of dead letters. */
import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsBoolean, IsOptional, MaxLength } from 'class-validator';
import { Connection } from '../platform/graphql/connection';

@ObjectType({ description: 'An event that could not be applied: where it came from, what it was, and why.' })
export class DeadLetter {
  @Field(() => ID) id: string;
  @Field({ description: 'kafka or http.' }) source: string;
  @Field(() => String, { nullable: true }) topic: string | null;
  @Field(() => Int, { nullable: true }) partition: number | null;
  @Field(() => String, { nullable: true, description: 'Kafka offset (a 64-bit integer, as text).' }) offset: string | null;
  @Field(() => String, { nullable: true, description: 'Idempotency key, when the event could be read.' }) eventKey: string | null;
  @Field({ description: 'The event as received (cut at 1 MiB, see payloadTruncated).' }) payload: string;
  @Field() payloadTruncated: boolean;
  @Field() error: string;
  @Field(() => [String], { description: 'URNs the event mentions.' }) urns: string[];
  @Field() receivedAt: Date;
  @Field(() => Date, { nullable: true, description: 'When a replay applied it; null while pending.' }) replayedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Why the last replay failed.' }) replayError: string | null;
}

export const DeadLetterConnection = Connection(DeadLetter, 'DeadLetter');

@ArgsType()
export class DeadLetterListArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only letters not yet replayed successfully.' })
  @IsOptional()
  @IsBoolean()
  pending?: boolean;
  @Field(() => String, { nullable: true, description: 'Only letters mentioning this URN.' })
  @IsOptional()
  @MaxLength(1024)
  urn?: string;
}

export enum ReplayStatus {
  APPLIED = 'APPLIED',
  DUPLICATE = 'DUPLICATE',
  FAILED = 'FAILED',
}
registerEnumType(ReplayStatus, { name: 'ReplayStatus' });

@ObjectType()
export class DeadLetterReplay {
  @Field(() => ReplayStatus) status: ReplayStatus;
  @Field(() => String, { nullable: true }) error: string | null;
  @Field(() => DeadLetter) deadLetter: DeadLetter;
}
