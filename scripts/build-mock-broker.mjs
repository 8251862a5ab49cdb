// Builds the Kafka test broker (librdkafka's mock cluster, test/kafka/mock-broker.c) into
// dist/test/kafka/mock-broker when missing or stale. Used by `npm test` and `npm run bench:ingest`.
// Returns the environment the Kafka tests read: where the binary is, or why there is none.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

export function buildMockBroker() {
  if (process.env.KAFKA_BROKERS) return {};
  const source = join(root, 'test/kafka/mock-broker.c');
  const binary = join(root, 'dist/test/kafka/mock-broker');
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return { PEDIGREE_TEST_MOCK_BROKER: binary };
  mkdirSync(join(root, 'dist/test/kafka'), { recursive: true });
  const cc = spawnSync('gcc', ['-O2', '-Wall', '-o', binary, source, '-lrdkafka'], { encoding: 'utf8' });
  if (cc.status === 0) return { PEDIGREE_TEST_MOCK_BROKER: binary };
  const why = (cc.error?.message ?? cc.stderr ?? '').split('\n').find((l) => l.trim()) ?? 'gcc failed';
  console.error(`could not build the Kafka mock broker (${why}); install librdkafka-dev (apt-get install -y librdkafka-dev)`);
  return { PEDIGREE_TEST_KAFKA_ERROR: why };
}

if (process.argv[1] === import.meta.filename) {
  const env = buildMockBroker();
  if (env.PEDIGREE_TEST_KAFKA_ERROR) process.exit(1);
  if (env.PEDIGREE_TEST_MOCK_BROKER) console.log(env.PEDIGREE_TEST_MOCK_BROKER);
}
