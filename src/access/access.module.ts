import { Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessResolver } from './access.resolver';
import { AccessService } from './access.service';
import { AuthGuard } from './auth.guard';
import { PolicyResolver } from './policy.resolver';
import { PolicyService } from './policy.service';

/** Global: every domain authorizes through AccessService. */
@Global()
@Module({
  providers: [AccessService, PolicyService, AccessResolver, PolicyResolver, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AccessService, PolicyService],
})
export class AccessModule implements OnApplicationBootstrap {
  constructor(private readonly access: AccessService) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.access.ensureAdminKey();
  }
}
