import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authorize } from '../../platform/auth/auth.decorators';
import { Page, PageArgs } from '../../platform/graphql/connection';
import { RequestContext } from '../../platform/graphql/request-context';
import { EdgeKind } from '../../lineage/edge.types';
import { CatalogReader } from '../nodes/catalog.reader';
import { Entity } from '../nodes/node.repository';
import { UrnArgs } from '../nodes/node.inputs';
import { NodeKind } from '../nodes/node.types';
import { Run } from '../runs/run.types';
import { CodeVersion, CodeVersionConnection, CodeVersionListArgs, RegisterCodeVersionInput } from './code.types';
import { CodeService } from './code.service';

@Resolver(() => CodeVersion)
export class CodeResolver {
  constructor(
    private readonly code: CodeService,
    private readonly reader: CatalogReader,
  ) {}

  @Query(() => CodeVersion)
  @Authorize('read', 'Catalog')
  codeVersion(@Args() { urn }: UrnArgs, @Context() ctx: RequestContext): Promise<Entity> {
    return this.reader.get(ctx, NodeKind.CODE_VERSION, urn);
  }

  @Query(() => CodeVersionConnection)
  @Authorize('read', 'Catalog')
  codeVersions(@Args() page: PageArgs, @Args() list: CodeVersionListArgs, @Context() ctx: RequestContext): Promise<Page<Entity>> {
    const typed = list.repositoryUrl ? [{ column: 'repository_url', value: list.repositoryUrl }] : [];
    return this.reader.page(ctx, NodeKind.CODE_VERSION, list.filter ?? {}, page, typed);
  }

  @Mutation(() => CodeVersion)
  @Authorize('write', 'Catalog')
  registerCodeVersion(@Args('input') input: RegisterCodeVersionInput): Promise<Entity> {
    return this.code.register(input);
  }

  @ResolveField(() => [Run], { description: 'Runs that executed this code.' })
  runs(@Parent() code: Entity, @Context() ctx: RequestContext): Promise<Entity[]> {
    return this.reader.neighbours(ctx, code.id, 'out', [EdgeKind.CODE]);
  }
}
