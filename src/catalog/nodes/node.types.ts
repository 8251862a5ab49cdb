/** The shared shape of every catalogued entity (the `node` table) and its GraphQL interface. */
import { Field, ID, InterfaceType } from '@nestjs/graphql';
import { NodeKind } from '../../platform/graph/node-kind';
import { JSONObjectScalar } from '../../platform/graphql/json.scalar';

export { NodeKind };

/** A node row as repositories return it (ids are bigint, carried as strings). */
export interface NodeRow {
  id: string;
  kind: NodeKind;
  urn: string;
  name: string;
  parentId: string | null;
  description: string | null;
  ownerTeam: string | null;
  domain: string | null;
  tags: string[];
  classifications: string[];
  properties: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

@InterfaceType('CatalogNode', {
  description: 'Anything in the catalog: it has a URN, ownership, tags and classifications, and can take part in lineage.',
  resolveType: (value: NodeRow) => TYPE_NAMES[value.kind],
})
export abstract class CatalogNode {
  @Field(() => ID) id: string;
  @Field(() => NodeKind) kind: NodeKind;
  @Field() urn: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => String, { nullable: true }) ownerTeam: string | null;
  @Field(() => String, { nullable: true }) domain: string | null;
  @Field(() => [String]) tags: string[];
  @Field(() => [String], { description: 'e.g. PII, PCI, CONFIDENTIAL.' }) classifications: string[];
  @Field(() => JSONObjectScalar) properties: Record<string, unknown>;
  @Field() createdAt: Date;
  @Field() updatedAt: Date;
}

export const TYPE_NAMES: Record<NodeKind, string> = {
  [NodeKind.DATASET]: 'Dataset',
  [NodeKind.DATASET_VERSION]: 'DatasetVersion',
  [NodeKind.FEATURE_VIEW]: 'FeatureView',
  [NodeKind.CODE_VERSION]: 'CodeVersion',
  [NodeKind.MODEL]: 'Model',
  [NodeKind.MODEL_VERSION]: 'ModelVersion',
  [NodeKind.RUN]: 'Run',
  [NodeKind.DEPLOYMENT]: 'Deployment',
  [NodeKind.CONTEXT]: 'Context',
};
