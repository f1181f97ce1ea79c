import { useNavigate, useSearchParams } from '@solidjs/router';
import { createEffect, createSignal } from 'solid-js';
import { Dialog, FormError, TextField } from '../components/ui.js';
import { createSubmit } from '../lib/forms.js';
import { queryClient } from '../lib/query.js';
import { me, signIn } from '../lib/session.js';

function SignInForm(props: { onDone: () => void; email?: string }) {
  const [email, setEmail] = createSignal(props.email ?? '');
  const [password, setPassword] = createSignal('');
  const form = createSubmit(() => signIn(email().trim(), password()), { onDone: props.onDone });
  return (
    <form onSubmit={form.submit} class="stack" novalidate>
      <FormError error={form.error()} />
      <TextField
        label="E-mail"
        type="email"
        autocomplete="username"
        required
        value={email()}
        onValue={setEmail}
        error={form.errors()['email']}
      />
      <TextField
        label="Password"
        type="password"
        autocomplete="current-password"
        required
        value={password()}
        onValue={setPassword}
        error={form.errors()['password']}
      />
      <button type="submit" disabled={form.busy()}>
        {form.busy() ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

export function SignInPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  // Read once: after navigating away the query no longer has `next`, and the effect must not send the user home.
  const requested = typeof params.next === 'string' ? params.next : '/';
  const target = requested.startsWith('/') && !requested.startsWith('//') ? requested : '/';
  let done = false;
  const leave = () => {
    if (done) return;
    done = true;
    navigate(target, { replace: true });
  };
  createEffect(() => {
    if (me()) leave();
  });
  return (
    <main id="main" class="sign-in">
      <h1>AdPlatform</h1>
      <p class="muted">
        Sign in with your account. On a new install, the operator's e-mail and password are in <code>data/initial-admin.json</code>.
      </p>
      <SignInForm onDone={leave} />
    </main>
  );
}

/** Shown over the page when the session expired: signing in again keeps everything typed on the page below. */
export function SignInDialog() {
  return (
    <Dialog title="Your session has ended">
      <p>Sign in again to continue. What you typed on this page is kept; submit it again afterwards.</p>
      <SignInForm email={me()?.user?.email ?? ''} onDone={() => void queryClient.invalidateQueries()} />
    </Dialog>
  );
}
