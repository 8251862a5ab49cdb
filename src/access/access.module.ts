import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessResolver } from './access.resolver';
import { AccessService } from './access.service';
import { AuthGuard } from './auth.guard';

@Module({
  providers: [AccessService, AccessResolver, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AccessService],
})
export class AccessModule implements OnApplicationBootstrap {
  constructor(private readonly access: AccessService) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.access.ensureAdminKey();
  }
}
