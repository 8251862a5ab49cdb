/** Dead letters for administrators: list them, and replay one after the cause is fixed. */
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authorize } from '../platform/auth/auth.decorators';
import { Db } from '../platform/database/db';
import { NotFoundError } from '../platform/errors/errors';
import { decodeCursor, Page, PageArgs, pageSize, toPage } from '../platform/graphql/connection';
import { DeadLetterRow } from './dead-letters.repository';
import { DeadLetter, DeadLetterConnection, DeadLetterListArgs, DeadLetterReplay, ReplayStatus } from './dead-letters.types';
import { IngestionService } from './ingestion.service';

@Resolver(() => DeadLetter)
export class DeadLettersResolver {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly db: Db,
  ) {}

  @Query(() => DeadLetterConnection, { description: 'Dead letters, newest first.' })
  @Authorize('admin', 'System')
  async deadLetters(@Args() page: PageArgs, @Args() filter: DeadLetterListArgs): Promise<Page<DeadLetterRow>> {
    const size = pageSize(page);
    return toPage(await this.ingestion.deadLetters.page(this.db, filter, size + 1, decodeCursor(page.after)), size);
  }

  @Mutation(() => DeadLetterReplay, { description: 'Runs a dead letter through ingestion again (e.g. after registering what it referenced).' })
  @Authorize('admin', 'System')
  async replayDeadLetter(@Args('id', { type: () => ID }) id: string): Promise<DeadLetterReplay> {
    if (!/^\d{1,19}$/.test(id)) throw new NotFoundError(`No dead letter ${id.slice(0, 40)}.`);
    const letter = await this.ingestion.deadLetters.byId(this.db, id);
    if (!letter) throw new NotFoundError(`No dead letter ${id}.`);
    const origin = letter.source === 'kafka'
      ? { source: 'kafka' as const, topic: letter.topic ?? '', partition: letter.partition ?? 0, offset: letter.offset ?? '0' }
      : { source: 'http' as const };
    const [outcome] = (await this.ingestion.ingest([{ body: letter.payload, origin }], { deadLetter: false })).outcomes;
    const error = outcome.error ?? null;
    await this.ingestion.deadLetters.markReplayed(this.db, id, error);
    return {
      status: error ? ReplayStatus.FAILED : outcome.status === 'duplicate' ? ReplayStatus.DUPLICATE : ReplayStatus.APPLIED,
      error,
      deadLetter: (await this.ingestion.deadLetters.byId(this.db, id))!,
    };
  }
}
