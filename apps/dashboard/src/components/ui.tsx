import { A } from '@solidjs/router';
import { createSignal, createUniqueId, type JSX, type ParentProps, Show, splitProps } from 'solid-js';
import { ApiError } from '../lib/api.js';

/** A labelled form control with its error (from the API or local checks) announced and linked. */
export function Field(props: ParentProps<{ label: string; id: string; error?: string | undefined; hint?: string }>) {
  return (
    <div class="field" classList={{ invalid: Boolean(props.error) }}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      <Show when={props.hint}>
        <small id={`${props.id}-hint`} class="hint">
          {props.hint}
        </small>
      </Show>
      <Show when={props.error}>
        <small id={`${props.id}-error`} class="error" role="alert">
          {props.error}
        </small>
      </Show>
    </div>
  );
}

type InputProps = JSX.InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  error?: string | undefined;
  hint?: string;
  value: string;
  onValue: (value: string) => void;
};

export function TextField(props: InputProps) {
  const [own, rest] = splitProps(props, ['label', 'error', 'hint', 'value', 'onValue', 'id']);
  const id = own.id ?? createUniqueId();
  return (
    <Field label={own.label} id={id} error={own.error} {...(own.hint ? { hint: own.hint } : {})}>
      <input
        id={id}
        {...rest}
        value={own.value}
        aria-invalid={own.error ? 'true' : undefined}
        aria-describedby={[own.error ? `${id}-error` : '', own.hint ? `${id}-hint` : ''].join(' ').trim() || undefined}
        onInput={(event) => own.onValue(event.currentTarget.value)}
      />
    </Field>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  value: T;
  options: readonly (T | { value: T; label: string })[];
  onValue: (value: T) => void;
  error?: string | undefined;
  id?: string;
}) {
  const id = props.id ?? createUniqueId();
  return (
    <Field label={props.label} id={id} error={props.error}>
      <select
        id={id}
        value={props.value}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        onChange={(event) => props.onValue(event.currentTarget.value as T)}
      >
        {props.options.map((option) => {
          const o = typeof option === 'string' ? { value: option, label: option } : option;
          return <option value={o.value}>{o.label}</option>;
        })}
      </select>
    </Field>
  );
}

/** The error of a whole form (not tied to one field), e.g. a 409 or a lost connection. */
export function FormError(props: { error: unknown }) {
  const message = () => {
    const error = props.error;
    if (!error) return '';
    if (error instanceof ApiError) {
      const fields = Object.keys(error.fields);
      return fields.length > 0 ? 'Please fix the fields marked below.' : error.message;
    }
    return error instanceof Error ? error.message : String(error);
  };
  return (
    <Show when={message()}>
      <p class="banner danger" role="alert">
        {message()}
      </p>
    </Show>
  );
}

export function ErrorBox(props: { error: unknown; retry?: () => void }) {
  return (
    <div class="banner danger" role="alert">
      <span>{props.error instanceof Error ? props.error.message : 'Something went wrong.'}</span>
      <Show when={props.retry}>
        <button type="button" class="link" onClick={() => props.retry?.()}>
          Try again
        </button>
      </Show>
    </div>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <p class="muted" aria-busy="true">
      {props.label ?? 'Loading…'}
    </p>
  );
}

/** What a new user sees in an empty list: what it is and what to do next. */
export function EmptyState(props: ParentProps<{ title: string }>) {
  return (
    <div class="empty">
      <p>
        <strong>{props.title}</strong>
      </p>
      {props.children}
    </div>
  );
}

export function StatusBadge(props: { status: string }) {
  return <span class={`badge s-${props.status}`}>{props.status}</span>;
}

export function PageHeader(props: ParentProps<{ title: string; crumbs?: { href: string; label: string }[] }>) {
  return (
    <header class="page-header">
      <Show when={props.crumbs?.length}>
        <nav aria-label="Breadcrumb" class="crumbs">
          {props.crumbs?.map((c, i) => (
            <>
              {i > 0 ? <span aria-hidden="true"> / </span> : null}
              <A href={c.href}>{c.label}</A>
            </>
          ))}
        </nav>
      </Show>
      <div class="row">
        <h1>{props.title}</h1>
        <div class="actions">{props.children}</div>
      </div>
    </header>
  );
}

/** A form's submit button, with "Saved." announced beside it while the last save stands. */
export function SaveButton(props: { label: string; busy: boolean; saved: boolean }) {
  return (
    <>
      <button type="submit" disabled={props.busy}>
        {props.label}
      </button>
      <Show when={props.saved}>
        <span class="muted" role="status">
          Saved.
        </span>
      </Show>
    </>
  );
}

export function CopyButton(props: { text: string; label?: string }) {
  const [copied, setCopied] = createSignal(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
    } catch {
      // Clipboard API refused (http origin): fall back to a selection copy.
      const area = document.createElement('textarea');
      area.value = props.text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <button type="button" class="secondary" onClick={copy}>
      {copied() ? 'Copied' : (props.label ?? 'Copy')}
      <span class="sr-only" aria-live="polite">
        {copied() ? 'Copied to the clipboard' : ''}
      </span>
    </button>
  );
}

export function ProgressBar(props: { value: number; label: string; tone?: 'ok' | 'warn' }) {
  const percent = () => Math.max(0, Math.min(100, Math.round(props.value * 100)));
  return (
    <div class="progress" classList={{ warn: props.tone === 'warn' }}>
      <div
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent()}
        style={{ width: `${percent()}%` }}
      />
    </div>
  );
}

export function Dialog(props: ParentProps<{ title: string; onClose?: () => void }>) {
  let ref: HTMLDivElement | undefined;
  return (
    <div class="overlay">
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        ref={(el) => {
          ref = el;
          queueMicrotask(() => ref?.querySelector<HTMLElement>('input, button, select, textarea')?.focus());
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') props.onClose?.();
        }}
      >
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

export const shortDate = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
