import { Module } from '@nestjs/common';
import { LineageResolver } from './lineage.resolver';
import { LineageService } from './lineage.service';
import { LineageAccess } from './lineage-access';

export const LINEAGE_RESOLVERS = [LineageResolver];

@Module({ providers: [LineageService, LineageAccess, ...LINEAGE_RESOLVERS], exports: [LineageService, LineageAccess] })
export class LineageModule {}
