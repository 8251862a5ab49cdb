/**
 * The write side shared by every catalog kind: a transaction, node upsert with validated common fields,
 * and reading the stored entity back. Per-kind services add their typed row and edges inside `write`.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, PedigreeConfig } from '../../platform/config/config';
import { Db, Sql } from '../../platform/database/db';
import { Entity, NodeRepository, NodeUpsert } from './node.repository';
import { NodeFieldsInput } from './node.inputs';
import { checkJsonObject } from './properties';

@Injectable()
export class CatalogWriter {
  readonly nodes = new NodeRepository();

  constructor(
    readonly db: Db,
    @Inject(CONFIG) private readonly config: PedigreeConfig,
  ) {}

  /** Validates free-form JSON against the configured size limit. */
  json(field: string, value: unknown): Record<string, unknown> | undefined {
    return checkJsonObject(field, value, this.config.maxPropertiesBytes);
  }

  /** Node fields from a registration input (absent fields stay as stored). */
  nodeFields(input: NodeFieldsInput): Omit<NodeUpsert, 'kind' | 'urn' | 'name'> {
    return {
      description: input.description,
      ownerTeam: input.ownerTeam,
      domain: input.domain,
      tags: input.tags,
      classifications: input.classifications,
      properties: this.json('properties', input.properties),
    };
  }

  /** Runs `work` in a transaction and returns the entity whose id it returns, as stored. */
  async write(work: (tx: Sql) => Promise<string>): Promise<Entity> {
    const id = await this.db.transaction(work);
    return (await this.nodes.entitiesByIds(this.db, [id])).get(id)!;
  }
}
