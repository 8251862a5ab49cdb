/** Auditors' view of the log: search it, and recompute its chain. */
import { Args, Query, Resolver } from '@nestjs/graphql';
import { Authorize } from '../platform/auth/auth.decorators';
import { decodeCursor, Page, PageArgs, pageSize, toPage } from '../platform/graphql/connection';
import { AuditService } from './audit.service';
import { AuditEntry, AuditEntryConnection, AuditLogFilter, AuditVerification, VerifyAuditLogArgs } from './audit.types';

@Resolver(() => AuditEntry)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditEntryConnection, { description: 'Audit log entries, newest first.' })
  @Authorize('audit', 'AuditLog')
  async auditLog(@Args() page: PageArgs, @Args('filter', { nullable: true }) filter?: AuditLogFilter): Promise<Page<AuditEntry & { id: string }>> {
    const size = pageSize(page);
    const rows = await this.audit.page(filter ?? {}, size + 1, decodeCursor(page.after));
    return toPage(rows.map((r) => ({ ...r, id: r.seq, hash: r.hash?.toString('hex') ?? null })), size);
  }

  @Query(() => AuditVerification, { description: 'Recomputes the hash chain and reports the first broken link.' })
  @Authorize('audit', 'AuditLog')
  verifyAuditLog(@Args() args: VerifyAuditLogArgs): Promise<AuditVerification> {
    return this.audit.verify(args.from, args.to);
  }
}
