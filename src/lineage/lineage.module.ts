import { Module } from '@nestjs/common';
import { LineageService } from './lineage.service';

@Module({ providers: [LineageService], exports: [LineageService] })
export class LineageModule {}
