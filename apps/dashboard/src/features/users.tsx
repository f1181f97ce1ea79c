import { createSignal, For, Show } from 'solid-js';
import { ResourceList } from '../components/resource-list.js';
import { CopyButton, FormError, PageHeader, SelectField, StatusBadge, shortDate, TextField } from '../components/ui.js';
import { api } from '../lib/api.js';
import { createSubmit } from '../lib/forms.js';
import { queryClient } from '../lib/query.js';
import { usePage } from '../lib/resources.js';
import { me, type Role } from '../lib/session.js';
import { AccessLimitFields, createAccessLimit, describeLimit, useLimitNames } from './access-limit.js';

const ROLES: Role[] = ['owner', 'admin', 'advertiser', 'publisher', 'analyst'];
const grantable = () => ROLES.filter((r) => me()?.role === 'owner' || r !== 'owner');

interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  status: string;
  lastLoginAt: string | null;
  advertiserIds?: string[];
  publisherIds?: string[];
}
interface ApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  advertiserIds?: string[];
  publisherIds?: string[];
}

function Users() {
  const [email, setEmail] = createSignal('');
  const [role, setRole] = createSignal<Role>('analyst');
  const [invite, setInvite] = createSignal<string | null>(null);
  const [editing, setEditing] = createSignal<User | null>(null);
  const limit = createAccessLimit(role);
  const nameOf = useLimitNames();
  const form = createSubmit(
    () => api.post<{ invitation?: { token: string } }>('/api/v1/users', { email: email().trim(), role: role(), ...limit.body() }),
    {
      invalidate: ['/api/v1/users'],
      onDone: (r) => {
        setEmail('');
        limit.reset();
        setInvite(r.invitation?.token ?? null);
      },
    },
  );
  return (
    <section class="stack" aria-label="Users">
      <h2>Users</h2>
      <form class="card stack" onSubmit={form.submit} novalidate aria-label="Invite a user">
        <FormError error={form.error()} />
        <div class="grid2">
          <TextField label="E-mail" type="email" value={email()} onValue={setEmail} error={form.errors()['email']} />
          <SelectField label="Role" value={role()} onValue={setRole} options={grantable()} error={form.errors()['role']} />
        </div>
        <AccessLimitFields limit={limit} role={role()} errors={form.errors()} />
        <div>
          <button type="submit" disabled={form.busy()}>
            Invite user
          </button>
        </div>
        <Show when={invite()}>
          {(token) => (
            <p class="banner ok">
              Invitation token (send it to them; they set a password with it): <code>{token()}</code> <CopyButton text={token()} />
            </p>
          )}
        </Show>
      </form>
      <Show when={editing()} keyed>
        {(user) => <EditLimitForm user={user} onClose={() => setEditing(null)} />}
      </Show>
      <ResourceList<User & { name: string }>
        path="/api/v1/users"
        label="Users"
        searchable={false}
        columns={[
          { label: 'E-mail', render: (u) => u.email },
          { label: 'Role', render: (u) => u.role },
          {
            label: 'Limited to',
            render: (u) => (
              <>
                {describeLimit(u, nameOf)}{' '}
                <Show when={LIMITABLE.has(u.role)}>
                  <button type="button" class="link" aria-label={`Change the limit of ${u.email}`} onClick={() => setEditing(u)}>
                    Change
                  </button>
                </Show>
              </>
            ),
          },
          { label: 'Status', render: (u) => <StatusBadge status={u.status} /> },
          { label: 'Last sign-in', render: (u) => shortDate(u.lastLoginAt) },
        ]}
        empty={<p>Only you so far — invite the people who work with you.</p>}
      />
    </section>
  );
}

/** Roles that may carry a limit: owners and admins never do. */
const LIMITABLE = new Set<Role>(['advertiser', 'publisher', 'analyst']);

/** A user's limit, changed in place (PATCH; it applies at the user's next request). */
function EditLimitForm(props: { user: User; onClose: () => void }) {
  const limit = createAccessLimit(() => props.user.role, props.user);
  const form = createSubmit(() => api.patch(`/api/v1/users/${props.user.id}`, limit.patchBody()), {
    invalidate: ['/api/v1/users'],
    onDone: props.onClose,
  });
  return (
    <form class="card stack" onSubmit={form.submit} novalidate aria-label={`Limit of ${props.user.email}`}>
      <h3>Limit of {props.user.email}</h3>
      <FormError error={form.error()} />
      <AccessLimitFields limit={limit} role={props.user.role} errors={form.errors()} />
      <div class="inline">
        <button type="submit" disabled={form.busy()}>
          Save limit
        </button>
        <button type="button" class="secondary" onClick={() => props.onClose()}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ApiKeys() {
  const [name, setName] = createSignal('');
  const [role, setRole] = createSignal<Role>('analyst');
  const [created, setCreated] = createSignal<string | null>(null);
  const keys = usePage<ApiKey>(
    () => '/api/v1/api-keys',
    () => ({ limit: 100 }),
  );
  const limit = createAccessLimit(role);
  const nameOf = useLimitNames();
  const form = createSubmit(() => api.post<{ key: string }>('/api/v1/api-keys', { name: name().trim(), role: role(), ...limit.body() }), {
    invalidate: ['/api/v1/api-keys'],
    onDone: (r) => {
      setName('');
      limit.reset();
      setCreated(r.key);
    },
  });
  const [revokeError, setRevokeError] = createSignal<unknown>(null);
  const revoke = async (key: ApiKey) => {
    if (!confirm(`Revoke “${key.name}”? Programs using it stop working.`)) return;
    try {
      await api.del(`/api/v1/api-keys/${key.id}`);
      await queryClient.invalidateQueries({ queryKey: ['/api/v1/api-keys'] });
    } catch (error) {
      setRevokeError(error);
    }
  };
  return (
    <section class="stack" aria-label="API keys">
      <h2>API keys</h2>
      <form class="card stack" onSubmit={form.submit} novalidate aria-label="New API key">
        <FormError error={form.error()} />
        <div class="grid2">
          <TextField label="Key name" placeholder="reporting script" value={name()} onValue={setName} error={form.errors()['name']} />
          <SelectField label="Role" value={role()} onValue={setRole} options={grantable()} error={form.errors()['role']} />
        </div>
        <AccessLimitFields limit={limit} role={role()} errors={form.errors()} />
        <p class="hint">A key's role and limit are fixed: to change them, create a new key and revoke this one.</p>
        <div>
          <button type="submit" disabled={form.busy()}>
            Create API key
          </button>
        </div>
        <Show when={created()}>
          {(key) => (
            <div class="banner ok" role="status">
              <p>
                <strong>Copy this key now: it is shown only once.</strong>
              </p>
              <code class="secret">{key()}</code> <CopyButton text={key()} label="Copy key" />
              <button type="button" class="link" onClick={() => setCreated(null)}>
                I have copied it
              </button>
            </div>
          )}
        </Show>
      </form>
      <FormError error={revokeError()} />
      <Show
        when={(keys.data?.items.length ?? 0) > 0}
        fallback={<p class="muted">No API keys yet — create one for a script or another system.</p>}
      >
        <div class="scroll-x">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Limited to</th>
                <th scope="col">Prefix</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              <For each={keys.data?.items}>
                {(k) => (
                  <tr>
                    <td>{k.name}</td>
                    <td>{k.role}</td>
                    <td>{describeLimit(k, nameOf)}</td>
                    <td>
                      <code>{k.prefix}</code>
                    </td>
                    <td>{shortDate(k.lastUsedAt)}</td>
                    <td>
                      <Show when={!k.revokedAt} fallback={<StatusBadge status="revoked" />}>
                        <button type="button" class="link danger" onClick={() => void revoke(k)}>
                          Revoke
                        </button>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}

export default function UsersPage() {
  return (
    <>
      <PageHeader title="Users & API keys" />
      <Users />
      <ApiKeys />
    </>
  );
}
