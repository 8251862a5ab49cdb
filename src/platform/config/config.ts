/**
 * Configuration: the one place that reads process.env. Everything else receives a typed, validated
 * PedigreeConfig through Nest DI (CONFIG token) or as an argument.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PEDIGREE_DATA_DIR: z.string().min(1).default('./.pedigree'),
  PEDIGREE_EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  PEDIGREE_EMBEDDED_PG_SHARED_BUFFERS: z
    .string()
    .regex(/^\d{1,7}(kB|MB|GB)$/, 'must be a PostgreSQL size such as 512MB or 2GB')
    .default('512MB'),
  PEDIGREE_ADMIN_API_KEY: z
    .string()
    .min(24, 'must be at least 24 characters (use e.g. `openssl rand -hex 24`)')
    .max(256)
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).max(10_000_000).default(20_000),
  GRAPHQL_PLAYGROUND: boolish.default('false'),
  PEDIGREE_MAX_PROPERTIES_BYTES: z.coerce.number().int().min(256).max(1_048_576).default(65_536),
  PEDIGREE_RUN_MIGRATIONS: boolish.default('true'),
  PEDIGREE_AUTH_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  PEDIGREE_AUTH_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(30),
  PEDIGREE_AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(250),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 shared secret)').max(1024).optional(),
  JWT_JWKS_URI: z.string().regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL').optional(),
  JWT_ISSUER: z.string().min(1).max(1000).optional(),
  JWT_AUDIENCE: z.string().min(1).max(1000).optional(),
  JWT_PRINCIPAL_CLAIM: z.string().min(1).max(100).default('sub'),
  JWT_TEAMS_CLAIM: z.string().min(1).max(100).default('groups'),
  JWT_ROLES_CLAIM: z.string().min(1).max(100).default('roles'),
  PEDIGREE_INGEST_MAX_EVENTS: z.coerce.number().int().min(1).max(100_000).default(1000),
  PEDIGREE_INGEST_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(16 * 1024 * 1024),
  PEDIGREE_INGEST_GROUP_EVENTS: z.coerce.number().int().min(1).max(100_000).default(500),
  PEDIGREE_INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  PEDIGREE_INGEST_QUEUE_EVENTS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  PEDIGREE_PREDICTION_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  PEDIGREE_PREDICTION_PARTITIONS_AHEAD: z.coerce.number().int().min(1).max(366).default(3),
  PEDIGREE_PREDICTIONS_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024 * 1024).default(1024 * 1024 * 1024),
  PEDIGREE_ARTIFACT_ROOTS: z.string().default(''),
  PEDIGREE_SEARCH_INDEXER: boolish.default('true'),
  PEDIGREE_SEARCH_INDEXER_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  PEDIGREE_SEARCH_DEFER_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  ELASTICSEARCH_URL: z.string().regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL').optional(),
  ELASTICSEARCH_INDEX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,100}$/, 'lowercase letters, digits, dots, dashes and underscores (an index name prefix)')
    .default('pedigree-catalog'),
  ELASTICSEARCH_API_KEY: z.string().min(1).max(1000).optional(),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^\s,]+(,[^\s,]+)*$/, 'a comma-separated list of host:port')
    .optional(),
  KAFKA_CLIENT_ID: z.string().min(1).max(200).default('pedigree'),
  KAFKA_GROUP_ID: z.string().min(1).max(200).default('pedigree'),
  KAFKA_TOPICS: z.string().regex(/^[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*$/, 'a comma-separated list of topic names').default('pedigree.lineage,pedigree.events'),
  KAFKA_PREDICTION_TOPICS: z
    .string()
    .regex(/^([A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*)?$/, 'a comma-separated list of topic names (empty: none)')
    .default('pedigree.predictions'),
  KAFKA_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(3000).max(300_000).default(30_000),
  KAFKA_MAX_WAIT_MS: z.coerce.number().int().min(10).max(30_000).default(1000),
  KAFKA_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(2),
});

export interface PedigreeConfig {
  port: number;
  host: string;
  /** Set when an external PostgreSQL is used; absent means "start the embedded one". */
  databaseUrl?: string;
  dataDir: string;
  embeddedPgPort: number;
  embeddedPgSharedBuffers: string;
  adminApiKey?: string;
  databasePoolSize: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  graphql: { maxDepth: number; maxComplexity: number; playground: boolean };
  maxPropertiesBytes: number;
  runMigrations: boolean;
  /** How long a successful API-key lookup is reused (0 = look up every request). */
  authCacheSeconds: number;
  /** Failed authentications a source (IP address) may make per minute before it is refused for the rest of it. */
  authMaxFailuresPerMinute: number;
  /** How often committed audit entries are chained (0: only when the chain is verified). */
  auditSealIntervalMs: number;
  /** Present when JWT_SECRET or JWT_JWKS_URI is set: bearer JWTs are accepted besides API keys. */
  jwt?: {
    secret?: string;
    jwksUri?: string;
    issuer?: string;
    audience?: string;
    principalClaim: string;
    teamsClaim: string;
    rolesClaim: string;
  };
  ingest: {
    maxEventsPerRequest: number;
    maxBodyBytes: number;
    /** HTTP group commit (src/ingestion/http/group-commit.ts). */
    group: { maxEvents: number; concurrency: number; maxQueued: number };
  };
  predictions: {
    /** Days of predictions kept; older daily partitions are dropped whole. */
    retentionDays: number;
    /** Daily partitions created ahead of today; later timestamps are refused. */
    partitionsAhead: number;
    /** Largest prediction request body (Arrow or JSON lines), enforced while streaming. */
    maxBodyBytes: number;
    /** Folders `file://` model artifacts may be read from (default: <data dir>/artifacts). */
    artifactRoots: string[];
  };
  /** Whether this instance drains the search outbox (replicas may all do it; they share the work). */
  searchIndexer: boolean;
  /** Outbox batches this instance applies at the same time (each its own transaction). */
  searchIndexerWorkers: number;
  /** How long a dataset's deferred search signals (new versions, reads) gather before its document is rebuilt. */
  searchDeferSeconds: number;
  /** Present when ELASTICSEARCH_URL is set: search runs on Elasticsearch instead of PostgreSQL. */
  elasticsearch?: {
    url: string;
    /** Alias searched and written; concrete indices are `<index>-v<n>`, a rebuild in progress is `<index>-next`. */
    index: string;
    apiKey?: string;
  };
  /** Present when KAFKA_BROKERS is set: the service consumes these topics in one consumer group. */
  kafka?: {
    brokers: string[];
    clientId: string;
    groupId: string;
    topics: string[];
    /** Topics carrying prediction records (Arrow IPC or JSON per message). */
    predictionTopics: string[];
    batchSize: number;
    sessionTimeoutMs: number;
    maxWaitMs: number;
    /** Partitions applied at the same time (each its own transaction). */
    partitionsConcurrently: number;
  };
}

export const CONFIG = Symbol('PEDIGREE_CONFIG');

export class ConfigError extends Error {}

/** Parses an environment (process.env by default) into a config, or throws one error listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): PedigreeConfig {
  // An empty variable means "unset" — except where empty is a meaningful value of its own.
  const emptyAllowed = new Set(['KAFKA_PREDICTION_TOPICS']);
  const cleaned = Object.fromEntries(Object.entries(env).filter(([k, v]) => v !== undefined && (v !== '' || emptyAllowed.has(k))));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    dataDir: resolve(c.PEDIGREE_DATA_DIR),
    embeddedPgPort: c.PEDIGREE_EMBEDDED_PG_PORT,
    embeddedPgSharedBuffers: c.PEDIGREE_EMBEDDED_PG_SHARED_BUFFERS,
    adminApiKey: c.PEDIGREE_ADMIN_API_KEY,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    logLevel: c.LOG_LEVEL,
    graphql: {
      maxDepth: c.GRAPHQL_MAX_DEPTH,
      maxComplexity: c.GRAPHQL_MAX_COMPLEXITY,
      playground: c.GRAPHQL_PLAYGROUND,
    },
    maxPropertiesBytes: c.PEDIGREE_MAX_PROPERTIES_BYTES,
    runMigrations: c.PEDIGREE_RUN_MIGRATIONS,
    authCacheSeconds: c.PEDIGREE_AUTH_CACHE_SECONDS,
    authMaxFailuresPerMinute: c.PEDIGREE_AUTH_MAX_FAILURES,
    auditSealIntervalMs: c.PEDIGREE_AUDIT_SEAL_INTERVAL_MS,
    jwt:
      c.JWT_SECRET || c.JWT_JWKS_URI
        ? {
            secret: c.JWT_SECRET,
            jwksUri: c.JWT_JWKS_URI,
            issuer: c.JWT_ISSUER,
            audience: c.JWT_AUDIENCE,
            principalClaim: c.JWT_PRINCIPAL_CLAIM,
            teamsClaim: c.JWT_TEAMS_CLAIM,
            rolesClaim: c.JWT_ROLES_CLAIM,
          }
        : undefined,
    ingest: {
      maxEventsPerRequest: c.PEDIGREE_INGEST_MAX_EVENTS,
      maxBodyBytes: c.PEDIGREE_INGEST_MAX_BODY_BYTES,
      group: { maxEvents: c.PEDIGREE_INGEST_GROUP_EVENTS, concurrency: c.PEDIGREE_INGEST_CONCURRENCY, maxQueued: c.PEDIGREE_INGEST_QUEUE_EVENTS },
    },
    predictions: {
      retentionDays: c.PEDIGREE_PREDICTION_RETENTION_DAYS,
      partitionsAhead: c.PEDIGREE_PREDICTION_PARTITIONS_AHEAD,
      maxBodyBytes: c.PEDIGREE_PREDICTIONS_MAX_BODY_BYTES,
      artifactRoots: (c.PEDIGREE_ARTIFACT_ROOTS || join(c.PEDIGREE_DATA_DIR, 'artifacts')).split(',').filter(Boolean).map((r) => resolve(r)),
    },
    searchIndexer: c.PEDIGREE_SEARCH_INDEXER,
    searchIndexerWorkers: c.PEDIGREE_SEARCH_INDEXER_WORKERS,
    searchDeferSeconds: c.PEDIGREE_SEARCH_DEFER_SECONDS,
    elasticsearch: c.ELASTICSEARCH_URL ? { url: c.ELASTICSEARCH_URL, index: c.ELASTICSEARCH_INDEX, apiKey: c.ELASTICSEARCH_API_KEY } : undefined,
    kafka: c.KAFKA_BROKERS
      ? {
          brokers: c.KAFKA_BROKERS.split(','),
          clientId: c.KAFKA_CLIENT_ID,
          groupId: c.KAFKA_GROUP_ID,
          topics: c.KAFKA_TOPICS.split(','),
          predictionTopics: c.KAFKA_PREDICTION_TOPICS.split(',').filter(Boolean),
          batchSize: c.KAFKA_BATCH_SIZE,
          sessionTimeoutMs: c.KAFKA_SESSION_TIMEOUT_MS,
          maxWaitMs: c.KAFKA_MAX_WAIT_MS,
          partitionsConcurrently: c.KAFKA_PARTITIONS_CONCURRENTLY,
        }
      : undefined,
  };
}
