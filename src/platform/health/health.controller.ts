/** Liveness and readiness. The only routes open without an API key. */
import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { Db } from '../database/db';

@Controller('health')
export class HealthController {
  constructor(private readonly db: Db) {}

  @Get()
  @Public()
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: string; checks: { database: string } }> {
    try {
      await this.db.query('SELECT 1');
      return { status: 'ok', checks: { database: 'up' } };
    } catch {
      res.status(503);
      return { status: 'unavailable', checks: { database: 'down' } };
    }
  }

  @Get('live')
  @Public()
  @HttpCode(200)
  live(): { status: string } {
    return { status: 'ok' };
  }
}
