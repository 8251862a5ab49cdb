/**
 * What a batch of observed runs says, in catalog terms: the normalized form OpenLineage events (and any
 * later run-shaped source) are turned into before RunBatchService applies them set-based, in one
 * transaction. Datasets are named by namespace + name, runs by their run key; nothing here is a URN yet.
 */
import { RunKind, RunStatus } from '../runs/run.types';

export interface DatasetKey {
  namespace: string;
  name: string;
}

export interface ObservedColumn {
  name: string;
  type: string;
  description: string | null;
  classifications: string[];
}

export interface ObservedDataset extends DatasetKey {
  /** A producer-given version identity (OpenLineage datasetVersion facet); stored as the content hash. */
  versionKey?: string;
  columns?: ObservedColumn[];
  /** Merged into the version's statistics (rowCount, bytes, fileCount, columns). */
  statistics?: Record<string, unknown>;
  locationUri?: string;
  /** Facets Pedigree does not map, kept as given on the version's properties. */
  properties?: Record<string, unknown>;
}

export interface ObservedColumnLink {
  output: DatasetKey;
  column: string;
  input: DatasetKey;
  inputColumn: string;
  transformation: string | null;
}

export interface ObservedCode {
  repositoryUrl: string;
  commitSha: string;
  path: string;
  branch: string | null;
}

export interface ObservedRun {
  runKey: string;
  name: string;
  kind: RunKind;
  /** Absent: the observation says nothing about status (a new run starts as running). */
  status?: RunStatus;
  startedAt?: Date;
  endedAt?: Date;
  params?: Record<string, unknown>;
  /** Kept on the run node's properties (unmapped facets, nominal time, error message). */
  properties?: Record<string, unknown>;
  parentRunKey?: string;
  /** The job: runs of one job share a pipeline context. */
  job?: DatasetKey;
  code?: ObservedCode;
  inputs: ObservedDataset[];
  outputs: ObservedDataset[];
  columnLineage: ObservedColumnLink[];
}

export interface RunBatchResult {
  runs: number;
  datasetVersionsCreated: number;
  edgesOpened: number;
}
