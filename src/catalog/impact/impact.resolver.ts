import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authorize } from '../../platform/auth/auth.decorators';
import { RequestContext } from '../../platform/graphql/request-context';
import { CatalogReader } from '../nodes/catalog.reader';
import { Entity } from '../nodes/node.repository';
import { Deployment } from '../deployments/deployment.types';
import { ModelVersion } from '../models/model.types';
import { DeploymentImpact, Impact, ImpactArgs, ServingWindow } from './impact.types';
import { ImpactService } from './impact.service';

@Resolver(() => Impact)
export class ImpactResolver {
  constructor(private readonly service: ImpactService) {}

  @Query(() => Impact, {
    description: 'Everything downstream of a node (runs, dataset versions, model versions, deployments), and what the deployments served since `since`.',
  })
  @Authorize('read', 'Catalog')
  impact(@Args() args: ImpactArgs): Promise<Impact> {
    return this.service.impact(args);
  }
}

@Resolver(() => DeploymentImpact)
export class DeploymentImpactResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => Deployment)
  deployment(@Parent() d: DeploymentImpact, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.loaders(ctx).entity.load(d.deploymentId);
  }
}

@Resolver(() => ServingWindow)
export class ServingWindowResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => ModelVersion)
  modelVersion(@Parent() w: ServingWindow, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.loaders(ctx).entity.load(w.modelVersionId);
  }
}
