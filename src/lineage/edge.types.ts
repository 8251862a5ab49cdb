import { registerEnumType } from '@nestjs/graphql';

/**
 * Lineage edge kinds (MLMD events plus the ML edges incumbents leave out):
 * INPUT artifact → run, OUTPUT run → artifact, CODE code version → run, SOURCE dataset → feature view,
 * SERVES model version → deployment.
 */
export enum EdgeKind {
  INPUT = 'INPUT',
  OUTPUT = 'OUTPUT',
  CODE = 'CODE',
  SOURCE = 'SOURCE',
  SERVES = 'SERVES',
}
registerEnumType(EdgeKind, { name: 'EdgeKind' });

export interface EdgeRow {
  id: string;
  fromId: string;
  toId: string;
  kind: EdgeKind;
  validFrom: Date;
  validTo: Date | null;
  recordedAt: Date;
}

export interface NewEdge {
  fromId: string;
  toId: string;
  kind: EdgeKind;
  validFrom?: Date;
}
