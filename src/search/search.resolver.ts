import { Args, Context, Info, Query, ResolveField, Parent, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { CatalogNode } from '../catalog/nodes/node.types';
import { CatalogReader } from '../catalog/nodes/catalog.reader';
import { Authorize } from '../platform/auth/auth.decorators';
import { RequestContext } from '../platform/graphql/request-context';
import { selectedFields } from '../platform/graphql/selection';
import { FACETS } from './search-index.port';
import { SearchService } from './search.service';
import { SearchArgs, SearchHit, SearchResults, Suggestion } from './search.types';

@Resolver(() => SearchResults)
export class SearchResolver {
  constructor(private readonly service: SearchService) {}

  @Query(() => SearchResults, {
    description: 'Ranked catalog search: exact and prefix name matches first, then weighted full text (name > columns > description), typo-tolerant, with facets.',
  })
  @Authorize('read', 'Catalog')
  async search(@Args() args: SearchArgs, @Info() info: GraphQLResolveInfo): Promise<SearchResults> {
    const asked = selectedFields(info, ['facets']);
    const r = await this.service.search(args, { facets: FACETS.filter((f) => asked.has(f)) });
    return { ...r, hits: r.hits.map((h) => ({ ...h, entity: null })) } as unknown as SearchResults;
  }

  @Query(() => [Suggestion], { description: 'Up to 10 names for autocomplete: names starting with the prefix first, then names with a word starting with it.' })
  @Authorize('read', 'Catalog')
  suggest(@Args('prefix') prefix: string): Promise<Suggestion[]> {
    return this.service.suggest(prefix) as Promise<Suggestion[]>;
  }
}

@Resolver(() => SearchHit)
export class SearchHitResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => CatalogNode)
  entity(@Parent() hit: SearchHit, @Context() ctx: RequestContext): Promise<unknown> {
    return this.reader.loaders(ctx).entity.load(hit.nodeId);
  }
}
