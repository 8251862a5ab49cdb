import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authorize } from '../../platform/auth/auth.decorators';
import { Caller } from '../../access/access.service';
import { CurrentCaller } from '../../access/current-caller.decorator';
import { LineageAccess } from '../../lineage/lineage-access';
import { RequestContext } from '../../platform/graphql/request-context';
import { CatalogReader } from '../nodes/catalog.reader';
import { Entity } from '../nodes/node.repository';
import { Deployment } from '../deployments/deployment.types';
import { ModelVersion } from '../models/model.types';
import { DeploymentImpact, Impact, ImpactArgs, ServingWindow } from './impact.types';
import { ImpactService } from './impact.service';

@Resolver(() => Impact)
export class ImpactResolver {
  constructor(
    private readonly service: ImpactService,
    private readonly access: LineageAccess,
  ) {}

  @Query(() => Impact, {
    description: 'Everything downstream of a node (runs, dataset versions, model versions, deployments), and what the deployments served since `since`.',
  })
  @Authorize('read', 'Catalog')
  async impact(@Args() args: ImpactArgs, @CurrentCaller() caller: Caller): Promise<Impact> {
    return this.service.impact(args, await this.access.visibility(caller, { urn: args.urn, field: 'urn' }));
  }
}

@Resolver(() => DeploymentImpact)
export class DeploymentImpactResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => Deployment)
  deployment(@Parent() d: DeploymentImpact, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.visible(ctx, d.deploymentId);
  }
}

@Resolver(() => ServingWindow)
export class ServingWindowResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => ModelVersion)
  modelVersion(@Parent() w: ServingWindow, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.visible(ctx, w.modelVersionId);
  }
}
