/** GraphQL shapes of access requests. */
import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsIn, IsInt, IsOptional, Max, MaxLength, Min, MinLength } from 'class-validator';
import { RequestStatus } from '../models/stage-request.types';

export enum RequestableAction {
  READ_DATA = 'readData',
  WRITE = 'write',
}
registerEnumType(RequestableAction, { name: 'RequestableAction', description: 'What an access request may ask for.' });

export const MAX_GRANT_HOURS = 90 * 24;

@ObjectType({ description: 'A request for access to one catalog entity; an approval grants a time-limited policy.' })
export class AccessRequest {
  @Field(() => ID) id: string;
  @Field({ description: 'URN of the entity.' }) urn: string;
  @Field(() => RequestableAction) action: RequestableAction;
  @Field() requestedBy: string;
  @Field() reason: string;
  @Field(() => Int, { description: 'How long an approval grants access.' }) durationHours: number;
  @Field(() => RequestStatus) status: RequestStatus;
  @Field(() => String, { nullable: true }) decidedBy: string | null;
  @Field(() => Date, { nullable: true }) decidedAt: Date | null;
  @Field(() => String, { nullable: true }) note: string | null;
  @Field(() => String, { nullable: true, description: 'The policy an approval created.' }) policyName: string | null;
  @Field(() => Date, { nullable: true, description: 'When the granted access ends.' }) expiresAt: Date | null;
  @Field() createdAt: Date;
}

@InputType()
export class RequestAccessInput {
  @Field() @MinLength(1) @MaxLength(1024) urn: string;
  @Field() @MinLength(3, { message: 'say why, in a few words at least' }) @MaxLength(2000) reason: string;
  @Field(() => RequestableAction, { defaultValue: RequestableAction.READ_DATA }) @IsEnum(RequestableAction) action: RequestableAction;
  @Field(() => Int, { defaultValue: 168, description: `Hours of access an approval grants, 1..${MAX_GRANT_HOURS} (default a week).` })
  @IsInt()
  @Min(1)
  @Max(MAX_GRANT_HOURS)
  durationHours: number;
}

@ArgsType()
export class AccessRequestListArgs {
  @Field(() => RequestStatus, { nullable: true }) @IsOptional() @IsEnum(RequestStatus) status?: RequestStatus;
  @Field(() => String, {
    nullable: true,
    description: 'mine: requests I made; toDecide: requests on entities I may approve (default: both).',
  })
  @IsOptional()
  @IsIn(['mine', 'toDecide'])
  which?: 'mine' | 'toDecide';
}

@ArgsType()
export class DecideAccessArgs {
  @Field(() => ID) @MinLength(1) @MaxLength(20) id: string;
  @Field({ description: 'true approves (granting a time-limited policy), false denies.' }) @IsBoolean() approve: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) note?: string;
}
