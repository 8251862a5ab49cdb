import { Module } from '@nestjs/common';
import { LineageResolver } from './lineage.resolver';
import { LineageService } from './lineage.service';

export const LINEAGE_RESOLVERS = [LineageResolver];

@Module({ providers: [LineageService, ...LINEAGE_RESOLVERS], exports: [LineageService] })
export class LineageModule {}
