/**
 * Access for lineage answers: refuses start nodes the caller may not read and gives the test that redacts
 * every other node. Used by lineage, path, column lineage, impact and prediction lineage alike.
 */
import { Injectable } from '@nestjs/common';
import { AccessService, Caller } from '../access/access.service';
import { parseUrn } from '../platform/graph/urn';
import { LineageService, Visibility } from './lineage.service';

@Injectable()
export class LineageAccess {
  constructor(
    private readonly lineage: LineageService,
    private readonly access: AccessService,
  ) {}

  /**
   * For a caller who may not read everything: FORBIDDEN for a start the caller may not read (the same for a
   * missing one), else the redaction test. Undefined (no redaction, no lookups) for everyone else.
   */
  async visibility(caller: Caller, ...starts: { urn: string; field: string }[]): Promise<Visibility | undefined> {
    if (!this.access.scope(caller, 'read')) return undefined;
    for (const { urn, field } of starts) {
      parseUrn(field, urn);
      const attributes = await this.lineage.accessAttributes(urn);
      if (!attributes) {
        this.access.denied(caller, 'read', urn, { exists: false });
        throw this.access.hidden('node', urn);
      }
      this.access.require(caller, 'read', attributes, 'node');
    }
    return (node) => this.access.can(caller, 'read', node);
  }
}
