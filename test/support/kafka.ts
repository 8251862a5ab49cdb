/**
 * A Kafka wire-protocol broker for tests: librdkafka's mock cluster (test/kafka/mock-broker.c, built by
 * scripts/run-tests.mjs) on real loopback ports, with the topics a test asks for — or, when KAFKA_BROKERS
 * is set, that real cluster (topics are created with unique names). What the mock does not do: no
 * CreateTopics/DeleteTopics, no DescribeGroups/ListGroups, no SASL, no idempotent or transactional producer,
 * at most 5 MiB per partition (older messages are dropped silently), and group rebalances on fixed timers.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';

export interface TestKafka {
  brokers: string[];
  /** The unique name under which a topic asked for exists. */
  topic(name: string): string;
  producer(): Promise<Producer>;
  kafka: Kafka;
  stop(): Promise<void>;
}

function spawnMock(specs: string[]): Promise<{ brokers: string[]; child: ChildProcessWithoutNullStreams }> {
  const binary = process.env.PEDIGREE_TEST_MOCK_BROKER;
  if (!binary) {
    throw new Error(
      `No Kafka for the Kafka tests: ${process.env.PEDIGREE_TEST_KAFKA_ERROR ?? 'the mock broker was not built'}. ` +
        'Install librdkafka-dev (apt-get install -y librdkafka-dev) and run `npm test`, or set KAFKA_BROKERS to a real cluster.',
    );
  }
  const child = spawn(binary, ['3', ...specs]);
  return new Promise((ok, fail) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) ok({ brokers: line.trim().split(','), child });
    });
    child.on('exit', (code) => fail(new Error(`mock broker exited (${code}): ${err}`)));
  });
}

export async function startKafka(topics: Record<string, number>): Promise<TestKafka> {
  const suffix = randomBytes(4).toString('hex');
  const names = new Map(Object.keys(topics).map((t) => [t, `${t}.${suffix}`]));
  let brokers: string[];
  let child: ChildProcessWithoutNullStreams | undefined;
  if (process.env.KAFKA_BROKERS) {
    brokers = process.env.KAFKA_BROKERS.split(',');
  } else {
    ({ brokers, child } = await spawnMock(Object.entries(topics).map(([t, n]) => `${names.get(t)}:${n}`)));
  }
  const kafka = new Kafka({ clientId: 'pedigree-test', brokers, logLevel: logLevel.NOTHING });
  if (process.env.KAFKA_BROKERS) {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: Object.entries(topics).map(([t, n]) => ({ topic: names.get(t)!, numPartitions: n })) });
    await admin.disconnect();
  }
  const producers: Producer[] = [];
  return {
    brokers,
    kafka,
    topic: (name) => names.get(name)!,
    async producer() {
      const p = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
      await p.connect();
      producers.push(p);
      return p;
    },
    async stop() {
      for (const p of producers) await p.disconnect().catch(() => undefined);
      if (child) {
        child.kill('SIGTERM');
        await new Promise((r) => child!.once('exit', r));
      }
    },
  };
}

/** Environment that points a Pedigree instance at the test broker, with test-friendly group timers. */
export function kafkaEnv(k: TestKafka, topics: string[], groupId: string, predictionTopics: string[] = []): Record<string, string> {
  return {
    KAFKA_BROKERS: k.brokers.join(','),
    KAFKA_TOPICS: topics.map((t) => k.topic(t)).join(','),
    KAFKA_PREDICTION_TOPICS: predictionTopics.map((t) => k.topic(t)).join(','),
    KAFKA_GROUP_ID: groupId,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAFKA_MAX_WAIT_MS: '500',
  };
}

/** Polls until `check` returns true (or throws with `what` after `timeoutMs`). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
