/**
 * The floor of any HTTP API around the lineage statement, for `bench:lineage`: a bare `node:http` server
 * (its own process, like the service) that answers `POST /walk {"urn","depth","limit"}` by running the same
 * prepared recursive statement the service runs (`walkSql`) and writing its row as JSON. No framework, no
 * GraphQL, no authentication, no access checks: what remains is HTTP, the database round trip and JSON.
 * Prints `listening <port>` once it accepts requests.
 */
import { createServer } from 'node:http';
import { Client } from 'pg';
import { walkSql } from '../src/lineage/traversal.repository';

async function main(): Promise<void> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  const text = walkSql('up', false);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { urn, depth, limit } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { urn: string; depth: number; limit: number };
      db.query({ name: 'walk_up', text, values: [urn, depth, limit] }).then(
        (r) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(r.rows[0]));
        },
        (err: Error) => {
          res.statusCode = 500;
          res.end(JSON.stringify({ error: err.message }));
        },
      );
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
  });
  process.on('SIGTERM', () => {
    server.close();
    void db.end().then(() => process.exit(0));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
