/** Pedigree events as TypeScript (validated by pedigree.schema.ts first). */
import { PedigreeEventType } from './pedigree.schema';

export interface Ownership {
  description?: string;
  ownerTeam?: string;
  domain?: string;
  tags?: string[];
  classifications?: string[];
  properties?: Record<string, unknown>;
}

export interface ModelVersionRef {
  model: string;
  version?: number;
  artifactSha256?: string;
}

export interface DatasetRef {
  namespace: string;
  name: string;
}

export interface PedigreeEvent<P = Record<string, unknown>> {
  type: PedigreeEventType;
  eventId: string;
  eventTime: string;
  producer: string;
  schemaVersion: string;
  payload: P;
}

export interface ModelVersionRegistered extends Ownership {
  model: { name: string } & Ownership;
  artifactUri?: string;
  artifactSha256?: string;
  framework?: string;
  signature?: { inputs?: TensorSpec[]; outputs?: TensorSpec[] };
  metrics?: Record<string, number>;
  params?: Record<string, unknown>;
  trainedByRunId?: string;
}

export interface TensorSpec {
  name: string;
  dtype: string;
  /** -1 for a dynamic dimension. */
  shape?: number[];
}

export interface ModelStageChanged {
  modelVersion: ModelVersionRef;
  stage: 'none' | 'staging' | 'production' | 'archived';
  archiveExisting?: boolean;
}

export interface DeploymentRevised {
  deployment: { name: string; environment?: string } & Ownership;
  traffic: { modelVersion: ModelVersionRef; trafficShare: number }[];
  validFrom?: string;
}

export interface FeatureViewDefined extends Ownership {
  name: string;
  entities?: string[];
  sourceDataset?: DatasetRef;
  features: { name: string; dtype: string; description?: string }[];
}

export interface TrainingProgress {
  runId: string;
  name?: string;
  status?: 'running' | 'completed' | 'failed' | 'aborted';
  startedAt?: string;
  step?: number;
  epoch?: number;
  metrics?: Record<string, number>;
  gpu?: { type?: string; count?: number; utilizationPercent?: number; memoryUsedGiB?: number };
  gpuHours?: number;
  energyKwh?: number;
}

export interface DatasetProfiled {
  dataset: DatasetRef;
  datasetVersion?: string;
  statistics: {
    rowCount?: number;
    bytes?: number;
    columns?: { name: string; nullFraction?: number; distinctCount?: number; min?: number | string; max?: number | string }[];
  };
}
