/** GraphQL shapes of four-eyes stage requests. */
import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsOptional, MaxLength, MinLength } from 'class-validator';
import { ModelStage } from './model.types';

export enum RequestStatus {
  PENDING = 'pending',
  APPROVED = 'approved',
  DENIED = 'denied',
}
registerEnumType(RequestStatus, { name: 'RequestStatus' });

@ObjectType({ description: 'A request to move a model version to a stage, and its decision (four eyes: never by the requester).' })
export class StageRequest {
  @Field(() => ID) id: string;
  @Field({ description: 'URN of the model version.' }) modelVersionUrn: string;
  @Field(() => ModelStage) stage: ModelStage;
  @Field() requestedBy: string;
  @Field() reason: string;
  @Field() archiveExisting: boolean;
  @Field(() => RequestStatus) status: RequestStatus;
  @Field(() => String, { nullable: true }) decidedBy: string | null;
  @Field(() => Date, { nullable: true }) decidedAt: Date | null;
  @Field(() => String, { nullable: true }) note: string | null;
  @Field() createdAt: Date;
}

@InputType()
export class RequestStageChangeInput {
  @Field() @MinLength(1) @MaxLength(1024) urn: string;
  @Field(() => ModelStage) @IsEnum(ModelStage) stage: ModelStage;
  @Field() @MinLength(3, { message: 'say why, in a few words at least' }) @MaxLength(2000) reason: string;
  @Field({ defaultValue: false, description: 'When approved for production, archive the version currently there.' })
  @IsBoolean()
  archiveExisting: boolean;
}

@ArgsType()
export class DecideArgs {
  @Field(() => ID) @MinLength(1) @MaxLength(20) id: string;
  @Field({ description: 'true approves, false denies.' }) @IsBoolean() approve: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) note?: string;
}

/** One change of a model version's stage, as the database recorded it. */
export interface StageChange {
  fromStage: string;
  toStage: string;
  changedAt: Date;
}
