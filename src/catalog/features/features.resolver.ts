import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authorize } from '../../platform/auth/auth.decorators';
import { Page, PageArgs } from '../../platform/graphql/connection';
import { listLoader, RequestContext, requestLoader } from '../../platform/graphql/request-context';
import { CatalogReader } from '../nodes/catalog.reader';
import { Entity } from '../nodes/node.repository';
import { UrnArgs } from '../nodes/node.inputs';
import { NodeKind } from '../nodes/node.types';
import { Dataset } from '../datasets/dataset.types';
import { Feature, FeatureView, FeatureViewConnection, FeatureViewListArgs, RegisterFeatureViewInput } from './feature.types';
import { FeaturesService } from './features.service';

@Resolver(() => FeatureView)
export class FeaturesResolver {
  constructor(
    private readonly service: FeaturesService,
    private readonly reader: CatalogReader,
  ) {}

  @Query(() => FeatureView)
  @Authorize('read', 'Catalog')
  featureView(@Args() { urn }: UrnArgs, @Context() ctx: RequestContext): Promise<Entity> {
    return this.reader.get(ctx, NodeKind.FEATURE_VIEW, urn);
  }

  @Query(() => FeatureViewConnection)
  @Authorize('read', 'Catalog')
  featureViews(@Args() page: PageArgs, @Args() list: FeatureViewListArgs, @Context() ctx: RequestContext): Promise<Page<Entity>> {
    return this.reader.page(ctx, NodeKind.FEATURE_VIEW, list.filter ?? {}, page);
  }

  @Mutation(() => FeatureView)
  @Authorize('write', 'Catalog')
  registerFeatureView(@Args('input') input: RegisterFeatureViewInput): Promise<Entity> {
    return this.service.register(input);
  }

  @ResolveField(() => [Feature])
  features(@Parent() view: Entity, @Context() ctx: RequestContext): Promise<Feature[]> {
    return requestLoader(ctx, 'features.byView', () => listLoader((ids) => this.service.featuresOf(ids))).load(view.id);
  }

  @ResolveField(() => Dataset, { nullable: true })
  sourceDataset(@Parent() view: Entity, @Context() ctx: RequestContext): Promise<Entity | null> {
    return view.sourceDatasetId ? this.reader.visible(ctx, view.sourceDatasetId as string) : Promise.resolve(null);
  }
}
