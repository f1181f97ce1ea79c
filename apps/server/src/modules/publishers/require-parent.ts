import { invalidField, type Resource } from '@adplatform/domain';
import type { ResourceStore } from '@adplatform/ports';

/**
 * The parent a new resource points at, read in the caller's transaction. A
 * missing or foreign id is the client's mistake about the body (400 naming
 * `path`), not a missing URL (404); an archived parent takes no new children.
 * `assertInScope` (the child's `ResourceService.assertParentInScope`) runs on
 * the parent as read, before either check, so a caller limited to some
 * publishers hears the same about a missing parent as about one outside its limit.
 */
export async function requireParent<D>(
  store: ResourceStore<D>,
  organizationId: string,
  ref: { id: string; path: string; label: string },
  assertInScope: (parent: Resource<D> | undefined) => void = () => undefined,
): Promise<Resource<D>> {
  const parent = await store.get(organizationId, ref.id);
  assertInScope(parent);
  if (!parent) throw invalidField(ref.path, `is not a ${ref.label} of this organization`);
  if (parent.status === 'archived') throw invalidField(ref.path, `is an archived ${ref.label}`);
  return parent;
}
