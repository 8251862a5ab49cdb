import { Args, Context, Info, Query, ResolveField, Parent, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { CatalogNode } from '../catalog/nodes/node.types';
import { CatalogReader } from '../catalog/nodes/catalog.reader';
import { Authorize } from '../platform/auth/auth.decorators';
import { AccessService, Caller } from '../access/access.service';
import { CurrentCaller } from '../access/current-caller.decorator';
import { RequestContext } from '../platform/graphql/request-context';
import { selectedFields } from '../platform/graphql/selection';
import { FACETS } from './search-index.port';
import { SearchService } from './search.service';
import { SearchArgs, SearchHit, SearchResults, Suggestion } from './search.types';

@Resolver(() => SearchResults)
export class SearchResolver {
  constructor(
    private readonly service: SearchService,
    private readonly access: AccessService,
  ) {}

  @Query(() => SearchResults, {
    description: 'Ranked catalog search: exact and prefix name matches first, then weighted full text (name > columns > description), typo-tolerant, with facets.',
  })
  @Authorize('read', 'Catalog')
  async search(@Args() args: SearchArgs, @Info() info: GraphQLResolveInfo, @CurrentCaller() caller: Caller): Promise<SearchResults> {
    const asked = selectedFields(info, ['facets']);
    // The caller's scope goes into the index query: hits, totals and facets count only what they may read.
    const r = await this.service.search(args, { facets: FACETS.filter((f) => asked.has(f)), access: this.access.scope(caller, 'read') });
    return { ...r, hits: r.hits.map((h) => ({ ...h, entity: null })) } as unknown as SearchResults;
  }

  @Query(() => [Suggestion], { description: 'Up to 10 names for autocomplete: names starting with the prefix first, then names with a word starting with it.' })
  @Authorize('read', 'Catalog')
  suggest(@Args('prefix') prefix: string, @CurrentCaller() caller: Caller): Promise<Suggestion[]> {
    return this.service.suggest(prefix, this.access.scope(caller, 'read')) as Promise<Suggestion[]>;
  }
}

@Resolver(() => SearchHit)
export class SearchHitResolver {
  constructor(private readonly reader: CatalogReader) {}

  @ResolveField(() => CatalogNode)
  entity(@Parent() hit: SearchHit, @Context() ctx: RequestContext): Promise<unknown> {
    return this.reader.visible(ctx, hit.nodeId);
  }
}
