/**
 * The kinds of node in the one graph every domain shares (catalog entities, lineage, later search and
 * policies). Shared vocabulary, so it lives in platform rather than in any one domain.
 */
import { registerEnumType } from '@nestjs/graphql';

export enum NodeKind {
  DATASET = 'dataset',
  DATASET_VERSION = 'dataset_version',
  FEATURE_VIEW = 'feature_view',
  CODE_VERSION = 'code_version',
  MODEL = 'model',
  MODEL_VERSION = 'model_version',
  RUN = 'run',
  DEPLOYMENT = 'deployment',
  CONTEXT = 'context',
}
registerEnumType(NodeKind, { name: 'NodeKind' });
