import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import { Authorize } from '../../platform/auth/auth.decorators';
import { Page, PageArgs } from '../../platform/graphql/connection';
import { listLoader, RequestContext, requestLoader } from '../../platform/graphql/request-context';
import { CatalogReader } from '../nodes/catalog.reader';
import { Entity } from '../nodes/node.repository';
import { UrnArgs } from '../nodes/node.inputs';
import { NodeKind } from '../nodes/node.types';
import { ModelVersion } from '../models/model.types';
import {
  Deployment, DeploymentConnection, DeploymentListArgs, DeploymentRevision, RegisterDeploymentInput, ReviseDeploymentInput,
} from './deployment.types';
import { DeploymentsService, MAX_REVISIONS_LISTED } from './deployments.service';

@Resolver(() => Deployment)
export class DeploymentsResolver {
  constructor(
    private readonly service: DeploymentsService,
    private readonly reader: CatalogReader,
  ) {}

  @Query(() => Deployment)
  @Authorize('read', 'Catalog')
  deployment(@Args() { urn }: UrnArgs, @Context() ctx: RequestContext): Promise<Entity> {
    return this.reader.get(ctx, NodeKind.DEPLOYMENT, urn);
  }

  @Query(() => DeploymentConnection)
  @Authorize('read', 'Catalog')
  deployments(@Args() page: PageArgs, @Args() list: DeploymentListArgs, @Context() ctx: RequestContext): Promise<Page<Entity>> {
    const typed = list.environment ? [{ column: 'environment', value: list.environment }] : [];
    return this.reader.page(ctx, NodeKind.DEPLOYMENT, list.filter ?? {}, page, typed);
  }

  @Mutation(() => Deployment)
  @Authorize('write', 'Catalog')
  registerDeployment(@Args('input') input: RegisterDeploymentInput): Promise<Entity> {
    return this.service.register(input);
  }

  @Mutation(() => Deployment, { description: 'Records a new traffic split for a deployment (append-only history).' })
  @Authorize('write', 'Catalog')
  reviseDeployment(@Args('input') input: ReviseDeploymentInput): Promise<Entity> {
    return this.service.revise(input);
  }

  @ResolveField(() => [DeploymentRevision], { description: `Revision history, oldest first (the latest ${MAX_REVISIONS_LISTED}).` })
  revisions(@Parent() deployment: Entity, @Context() ctx: RequestContext): Promise<DeploymentRevision[]> {
    return this.revisionLoader(ctx).load(deployment.id);
  }

  @ResolveField(() => [DeploymentRevision], { description: 'What it serves now.' })
  async currentRevisions(@Parent() deployment: Entity, @Context() ctx: RequestContext): Promise<DeploymentRevision[]> {
    return (await this.revisionLoader(ctx).load(deployment.id)).filter((r) => r.validTo === null);
  }

  private revisionLoader(ctx: RequestContext): DataLoader<string, DeploymentRevision[]> {
    return requestLoader(ctx, 'deployments.revisions', () => listLoader((ids) => this.service.revisionsOf(ids)));
  }
}

@Resolver(() => DeploymentRevision)
export class DeploymentRevisionsResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => ModelVersion)
  modelVersion(@Parent() revision: DeploymentRevision, @Context() ctx: RequestContext): Promise<Entity | null> {
    return this.reader.visible(ctx, revision.modelVersionId);
  }
}
