import { newId, type Principal } from '@adplatform/domain';
import type { MetadataTx } from '@adplatform/ports';

/** Who is acting and under which request id: passed from the route to every service call. */
export interface RequestContext {
  principal: Principal;
  requestId: string;
}

export interface AuditRecord {
  action: string;
  resourceType: string;
  resourceId: string | null;
  before?: unknown;
  after?: unknown;
  /** Defaults to the actor's organization. */
  organizationId?: string;
}

/**
 * Appends one audit entry inside the caller's transaction, so the change and
 * its record commit together or not at all. `before`/`after` must already be
 * public views (never a password hash or a key secret).
 */
export async function recordAudit(
  tx: MetadataTx,
  actor: { principal: Principal | null; requestId: string | null },
  record: AuditRecord,
  at: Date,
): Promise<void> {
  const organizationId = record.organizationId ?? actor.principal?.organizationId;
  if (!organizationId) throw new Error('audit entry without an organization');
  await tx.auditLog.append(organizationId, {
    id: newId(),
    actorKind: actor.principal ? actor.principal.kind : 'system',
    actorId: actor.principal?.kind === 'user' ? actor.principal.id : (actor.principal?.id ?? null),
    action: record.action,
    resourceType: record.resourceType,
    resourceId: record.resourceId,
    before: record.before ?? null,
    after: record.after ?? null,
    requestId: actor.requestId,
    at,
  });
}
