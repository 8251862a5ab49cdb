/** GraphQL shapes of compliance reports. Every report is also a plain JSON document (same field names). */
import { ArgsType, Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, MaxLength, MinLength } from 'class-validator';
import { NodeKind } from '../platform/graph/node-kind';
import { RunKind } from '../catalog/runs/run.types';
import { JSONObjectScalar, JSONScalar } from '../platform/graphql/json.scalar';

@ObjectType({ description: 'When and from what a report was made, and the digest that identifies its content.' })
export class ReportHeader {
  @Field({ description: 'What the report is about: model_version, prediction or dataset_usage.' }) kind: string;
  @Field({ description: 'URN (or id) of its subject.' }) subject: string;
  @Field({ description: 'The moment the report describes.' }) asOf: Date;
  @Field({ description: 'When it was generated (not part of the digest).' }) generatedAt: Date;
  @Field() pedigreeVersion: string;
  @Field({ description: 'sha256 (hex) of the canonical JSON of everything but generatedAt and the digest: the same asOf gives the same digest.' })
  digest: string;
}

@ObjectType({ description: 'A catalog node in a report: withheld (kind only) when the reader may not read it.' })
export class ReportNode {
  @Field(() => NodeKind) kind: NodeKind;
  @Field(() => String, { nullable: true }) urn: string | null;
  @Field(() => String, { nullable: true }) name: string | null;
  @Field() withheld: boolean;
}

@ObjectType()
export class ReportCodeVersion {
  @Field() urn: string;
  @Field(() => String, { nullable: true }) repositoryUrl: string | null;
  @Field(() => String, { nullable: true }) commitSha: string | null;
  @Field(() => String, { nullable: true }) path: string | null;
}

@ObjectType()
export class ReportTrainingRun {
  @Field() urn: string;
  @Field() runId: string;
  @Field() status: string;
  @Field(() => Date, { nullable: true }) startedAt: Date | null;
  @Field(() => Date, { nullable: true }) endedAt: Date | null;
  @Field(() => JSONObjectScalar) params: Record<string, unknown>;
  @Field(() => JSONObjectScalar) metrics: Record<string, unknown>;
  @Field(() => ReportCodeVersion, { nullable: true }) codeVersion: ReportCodeVersion | null;
  @Field(() => String, { nullable: true }) gpuType: string | null;
  @Field(() => Int, { nullable: true }) gpuCount: number | null;
  @Field(() => Float, { nullable: true }) gpuHours: number | null;
  @Field(() => Float, { nullable: true }) energyKwh: number | null;
  @Field(() => Int, { description: 'Hops from the model version (1: the run that trained it; more: pretraining).' }) depth: number;
}

@ObjectType()
export class ReportCompute {
  @Field(() => Int) trainingRuns: number;
  @Field(() => Float) gpuHours: number;
  @Field(() => Float) energyKwh: number;
  @Field(() => [String], { description: 'GPU type × count of each run that names them.' }) gpus: string[];
}

@ObjectType()
export class ReportDataItem {
  @Field(() => NodeKind) kind: NodeKind;
  @Field() urn: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) ownerTeam: string | null;
  @Field(() => String, { nullable: true }) domain: string | null;
  @Field(() => [String]) classifications: string[];
  @Field(() => [ReportNode], { description: 'The lineage path from this item to the model version, upstream first.' }) path: ReportNode[];
}

@ObjectType()
export class ReportStageRequest {
  @Field() stage: string;
  @Field() requestedBy: string;
  @Field() reason: string;
  @Field() status: string;
  @Field(() => String, { nullable: true }) decidedBy: string | null;
  @Field(() => Date, { nullable: true }) decidedAt: Date | null;
  @Field() createdAt: Date;
}

@ObjectType()
export class ReportStageChange {
  @Field() fromStage: string;
  @Field() toStage: string;
  @Field() changedAt: Date;
}

@ObjectType()
export class ReportServingWindow {
  @Field() from: Date;
  @Field(() => Date, { nullable: true, description: 'Null while still serving at asOf.' }) to: Date | null;
  @Field(() => Float) trafficShare: number;
  @Field(() => Int, { nullable: true, description: 'Predictions logged in the window (up to asOf); null when unknown.' }) predictionCount: number | null;
}

@ObjectType()
export class ReportDeployment {
  @Field() urn: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) environment: string | null;
  @Field(() => [ReportServingWindow]) windows: ReportServingWindow[];
}

@ObjectType()
export class ReportFinding {
  @Field({ description: 'warning or info.' }) severity: string;
  @Field() message: string;
}

@ObjectType({ description: 'Whether the audit log is intact over the period the report covers.' })
export class ReportAuditCheck {
  @Field() ok: boolean;
  @Field(() => Int) checked: number;
  @Field(() => String, { nullable: true }) brokenAt: string | null;
  @Field(() => String, { nullable: true }) reason: string | null;
}

@ObjectType({ description: 'The logged prediction run again through the exact artifact.' })
export class ReportReplay {
  @Field() reproducible: boolean;
  @Field(() => Float) maxAbsDifference: number;
  @Field(() => Float) tolerance: number;
  @Field() artifactSha256: string;
  @Field(() => [String]) notes: string[];
}

@ObjectType()
export class ReportAttribution {
  @Field() feature: string;
  @Field(() => Float, { description: 'The input value.' }) value: number;
  @Field(() => Float, { description: 'Its contribution to (prediction − baseline prediction).' }) attribution: number;
}

@ObjectType({ description: 'Per-feature attributions of the prediction, with the method and its limits.' })
export class ReportExplanation {
  @Field() method: string;
  @Field() limits: string;
  @Field() baselineSource: string;
  @Field(() => Float) predictedValue: number;
  @Field(() => Float) baselineValue: number;
  @Field(() => [ReportAttribution]) attributions: ReportAttribution[];
}

@ObjectType({ description: 'Everything an auditor asks about one model version, as of one moment.' })
export class ModelVersionReport {
  @Field(() => ReportHeader) header: ReportHeader;
  @Field() modelUrn: string;
  @Field() modelVersionUrn: string;
  @Field(() => Int) version: number;
  @Field(() => String, { nullable: true }) artifactUri: string | null;
  @Field(() => String, { nullable: true }) artifactSha256: string | null;
  @Field(() => String, { nullable: true }) framework: string | null;
  @Field(() => JSONScalar, { nullable: true }) signature: unknown;
  @Field({ description: 'The stage at asOf.' }) stage: string;
  @Field(() => [ReportTrainingRun]) trainingRuns: ReportTrainingRun[];
  @Field(() => ReportCompute) compute: ReportCompute;
  @Field(() => [ReportDataItem], { description: 'Every upstream dataset version and feature view.' }) data: ReportDataItem[];
  @Field(() => [ReportStageChange], { description: 'Every change of its stage up to asOf, oldest first (recorded by the database).' })
  stageChanges: ReportStageChange[];
  @Field(() => [ReportStageRequest], { description: 'Stage requests and their four-eyes decisions up to asOf.' }) stageHistory: ReportStageRequest[];
  @Field(() => [String], { description: 'Names of the access policies whose conditions cover this model version.' }) policies: string[];
  @Field(() => [ReportDeployment]) serving: ReportDeployment[];
  @Field(() => Int, { description: 'Dead-lettered events that mention it.' }) deadLetters: number;
  @Field(() => Int, { description: 'Upstream nodes the reader may not read (shown as withheld).' }) withheld: number;
  @Field(() => [ReportFinding]) findings: ReportFinding[];
  @Field(() => ReportAuditCheck) auditLog: ReportAuditCheck;
}

@ArgsType()
export class ModelVersionReportArgs {
  @Field() @MinLength(1) @MaxLength(1024) urn: string;
  @Field(() => Date, { nullable: true, description: 'The moment to describe (default: now).' }) @IsOptional() asOf?: Date;
}

@ObjectType({ description: 'The "why was this decided" document: one prediction, what served it, can it be reproduced, what drove it, what the model learned from.' })
export class PredictionReport {
  @Field(() => ReportHeader) header: ReportHeader;
  @Field() predictionId: string;
  @Field() timestamp: Date;
  @Field() deploymentUrn: string;
  @Field({ description: 'The model version that served it ("(withheld)" when the reader may not read it).' }) modelVersionUrn: string;
  @Field(() => Float, { nullable: true }) latencyMs: number | null;
  @Field(() => String, { nullable: true }) inputSha256: string | null;
  @Field(() => String, { nullable: true }) outputSha256: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'The logged input (only with readData on the deployment).' }) input: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'The logged output (only with readData on the deployment).' }) output: unknown;
  @Field(() => ReportReplay, { nullable: true, description: 'Null when it could not be replayed (see findings).' }) replay: ReportReplay | null;
  @Field(() => ReportExplanation, { nullable: true, description: 'Null when it could not be explained (see findings).' }) explanation: ReportExplanation | null;
  @Field(() => [ReportDataItem], { description: 'The serving model version’s data section.' }) data: ReportDataItem[];
  @Field(() => Int) withheld: number;
  @Field(() => [ReportFinding]) findings: ReportFinding[];
  @Field(() => ReportAuditCheck) auditLog: ReportAuditCheck;
}

@ArgsType()
export class PredictionReportArgs {
  @Field() @MinLength(1) @MaxLength(200) id: string;
  @Field(() => Date, { nullable: true, description: 'The moment to describe (default: now).' }) @IsOptional() asOf?: Date;
}

@ObjectType({ description: 'A run that read versions of the dataset in the period.' })
export class ReportReader {
  @Field() urn: string;
  @Field() name: string;
  @Field(() => RunKind, { nullable: true }) runKind: RunKind | null;
  @Field(() => Int, { description: 'Reads of the dataset’s versions recorded in the period.' }) reads: number;
}

@ObjectType({ description: 'Who read the dataset’s data (locations), from the audit log.' })
export class ReportDataAccess {
  @Field() principal: string;
  @Field(() => Int) reads: number;
  @Field() first: Date;
  @Field() last: Date;
}

@ObjectType()
export class ReportKindCount {
  @Field(() => NodeKind) kind: NodeKind;
  @Field(() => Int) count: number;
}

@ObjectType({ description: 'Who uses a dataset: the runs that read it, what it feeds downstream, and who read its data.' })
export class DatasetUsageReport {
  @Field(() => ReportHeader) header: ReportHeader;
  @Field() datasetUrn: string;
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => [String], { description: 'Its versions (that the reader may read).' }) versions: string[];
  @Field(() => [ReportReader]) readers: ReportReader[];
  @Field(() => [ReportKindCount], { description: 'Everything downstream (10 hops, as of `to`), by kind.' }) downstream: ReportKindCount[];
  @Field(() => [String]) modelVersions: string[];
  @Field(() => [String]) deployments: string[];
  @Field(() => [ReportDataAccess]) dataAccess: ReportDataAccess[];
  @Field(() => Int) withheld: number;
  @Field(() => [ReportFinding]) findings: ReportFinding[];
  @Field(() => ReportAuditCheck) auditLog: ReportAuditCheck;
}

@ArgsType()
export class DatasetUsageReportArgs {
  @Field() @MinLength(1) @MaxLength(1024) urn: string;
  @Field(() => Date) from: Date;
  @Field(() => Date) to: Date;
}
