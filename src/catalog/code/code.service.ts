/** Code versions: (repository, commit, path), registered idempotently. Owns `code_version`. */
import { Injectable } from '@nestjs/common';
import { Entity } from '../nodes/node.repository';
import { CatalogWriter } from '../nodes/catalog.writer';
import { NodeKind } from '../nodes/node.types';
import { identifier, makeUrn } from '../../platform/graph/urn';
import { RegisterCodeVersionInput } from './code.types';

export function codeVersionUrn(repositoryUrl: string, commitSha: string, path = ''): string {
  return makeUrn(NodeKind.CODE_VERSION, `${repositoryUrl}${path ? `#${path}` : ''}@${commitSha.toLowerCase()}`);
}

/** Display name of a code version: repository without scheme, path, short commit. */
export function codeVersionName(repositoryUrl: string, commitSha: string, path = ''): string {
  return `${repositoryUrl.replace(/^[a-z]+:\/\//i, '')}${path ? `/${path}` : ''}@${commitSha.toLowerCase().slice(0, 12)}`;
}

@Injectable()
export class CodeService {
  constructor(private readonly writer: CatalogWriter) {}

  async register(input: RegisterCodeVersionInput): Promise<Entity> {
    identifier('repositoryUrl', input.repositoryUrl, 500);
    const path = input.path ?? '';
    const sha = input.commitSha.toLowerCase();
    const fields = this.writer.nodeFields(input);
    const urn = codeVersionUrn(input.repositoryUrl, sha, path);
    const name = codeVersionName(input.repositoryUrl, sha, path);
    return this.writer.write(async (tx) => {
      const { id } = await this.writer.nodes.upsert(tx, { kind: NodeKind.CODE_VERSION, urn, name, ...fields });
      await tx.query(
        `INSERT INTO code_version AS c (id, repository_url, commit_sha, path, branch, author, committed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET branch = COALESCE(EXCLUDED.branch, c.branch),
           author = COALESCE(EXCLUDED.author, c.author), committed_at = COALESCE(EXCLUDED.committed_at, c.committed_at)`,
        [id, input.repositoryUrl, sha, path, input.branch ?? null, input.author ?? null, input.committedAt ?? null],
      );
      return id;
    });
  }
}
