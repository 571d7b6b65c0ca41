'use client';

import { useState, type FormEvent } from 'react';
import { WEBHOOK_FORMATS, type Webhook, type WebhookFormat, type WebhookWithSecret } from '@tandem/shared';
import { errorMessage, getClient } from '@/lib/client';
import { formatTime } from '@/lib/format';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { useSession } from '@/features/shell/use-session';

/** The signing secret is shown once: after this panel is closed nobody can read it again. */
function SecretPanel({ created, onClose }: { created: WebhookWithSecret; onClose: () => void }) {
  return (
    <div className="card key-panel" role="alert">
      <p>
        Signing secret for <strong>{created.url}</strong>. Copy it now: it is shown only once.
      </p>
      <code className="api-key" data-testid="webhook-secret">
        {created.secret}
      </code>
      <div className="row">
        <button type="button" onClick={() => void navigator.clipboard.writeText(created.secret).catch(() => undefined)}>
          Copy
        </button>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  );
}

/** Every attempt of one webhook, newest first, with redelivery. */
function Deliveries({ webhook }: { webhook: Webhook }) {
  const attempts = useApi(swrKeys.webhookDeliveries(webhook.id), () => getClient().webhookDeliveries(webhook.id));
  const [message, setMessage] = useState<string>();
  if (attempts.error) return <ErrorState error={attempts.error} retry={() => void attempts.mutate()} />;
  if (!attempts.data) return <Loading what="deliveries" />;
  if (attempts.data.items.length === 0) return <Empty>No deliveries yet.</Empty>;
  const redeliver = async (deliveryId: string) => {
    setMessage(undefined);
    try {
      await getClient().redeliverWebhook(webhook.id, deliveryId);
      setMessage('Queued again.');
      setTimeout(() => void attempts.mutate(), 1500);
    } catch (error) {
      setMessage(errorMessage(error));
    }
  };
  return (
    <div className="stack">
      {message && <p className="muted small">{message}</p>}
      <table className="diff" data-testid="webhook-deliveries">
        <thead>
          <tr>
            <th>When</th>
            <th>Event</th>
            <th>Attempt</th>
            <th>Status</th>
            <th>Time</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {attempts.data.items.map((attempt) => (
            <tr key={`${attempt.deliveryId}-${attempt.attempt}`} className={attempt.error ? 'changed' : undefined}>
              <td>{formatTime(attempt.at)}</td>
              <td>#{attempt.eventId}</td>
              <td>{attempt.attempt}</td>
              <td title={attempt.error}>{attempt.status ?? attempt.error ?? '—'}</td>
              <td>{attempt.durationMs} ms</td>
              <td>
                <button type="button" onClick={() => void redeliver(attempt.deliveryId)}>
                  Redeliver
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Admins register webhooks, pause and resume them, delete them, and follow their deliveries. */
export function WebhooksPage() {
  const session = useSession();
  const isAdmin = session.can('admin');
  const webhooks = useApi(isAdmin ? swrKeys.webhooks() : null, () => getClient().listWebhooks({ limit: 500 }));
  const [created, setCreated] = useState<WebhookWithSecret>();
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string>();

  if (!isAdmin) return <Empty>Only admins manage webhooks.</Empty>;
  if (webhooks.error) return <ErrorState error={webhooks.error} retry={() => void webhooks.mutate()} />;
  if (!webhooks.data) return <Loading what="webhooks" />;

  const act = async (work: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await work();
      await webhooks.mutate();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  };

  const register = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const target = event.currentTarget;
    const form = {
      get: (name: string) => {
        const value = data.get(name);
        return typeof value === 'string' ? value : null;
      },
    };
    const events = (form.get('events') ?? '').split(/[\s,]+/).filter(Boolean);
    const workflowId = (form.get('workflowId') ?? '').trim();
    void act(async () => {
      const result = await getClient().createWebhook({
        url: (form.get('url') ?? '').trim(),
        events,
        format: (form.get('format') ?? 'json') as WebhookFormat,
        description: form.get('description') ?? '',
        ...(workflowId ? { workflowId } : {}),
      });
      setCreated(result);
      target.reset();
    });
  };

  return (
    <div className="stack">
      <h1>Webhooks</h1>
      {created && <SecretPanel created={created} onClose={() => setCreated(undefined)} />}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <form className="card stack" onSubmit={register} aria-label="Register a webhook">
        <h2>Register a webhook</h2>
        <label>
          URL <input name="url" type="url" required placeholder="https://example.com/tandem" />
        </label>
        <label>
          Events <input name="events" required defaultValue="suggestion.*" placeholder="suggestion.*, task.moved, *" />
        </label>
        <label>
          Workflow id (optional) <input name="workflowId" placeholder="all workflows" />
        </label>
        <label>
          Format{' '}
          <select name="format" defaultValue="json">
            {WEBHOOK_FORMATS.map((format) => (
              <option key={format} value={format}>
                {format === 'json' ? 'JSON (signed envelope)' : 'Slack / Mattermost message'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Description <input name="description" />
        </label>
        <div className="row">
          <button type="submit" className="primary">
            Register
          </button>
        </div>
      </form>
      {webhooks.data.items.length === 0 ? (
        <Empty>No webhooks yet.</Empty>
      ) : (
        <ul className="stack" data-testid="webhook-list">
          {webhooks.data.items.map((webhook) => (
            <li key={webhook.id} className="card stack">
              <div className="row">
                <strong className="long">{webhook.url}</strong>
                <span className={`status-pill wh-${webhook.status}`}>{webhook.status}</span>
              </div>
              <p className="muted small">
                {webhook.events.join(', ')} · {webhook.format}
                {webhook.workflowId ? ` · workflow ${webhook.workflowId}` : ' · all workflows'}
                {webhook.description ? ` · ${webhook.description}` : ''}
                {webhook.pausedReason ? ` · paused: ${webhook.pausedReason}` : ''}
              </p>
              <div className="row">
                <button
                  type="button"
                  onClick={() => void act(() => getClient().updateWebhook(webhook.id, { active: !webhook.active }))}
                >
                  {webhook.active ? 'Pause' : 'Resume'}
                </button>
                <button type="button" onClick={() => setOpen(open === webhook.id ? null : webhook.id)}>
                  {open === webhook.id ? 'Hide deliveries' : 'Deliveries'}
                </button>
                <button
                  type="button"
                  onClick={() => {
                    if (window.confirm(`Delete the webhook to ${webhook.url}?`))
                      void act(() => getClient().deleteWebhook(webhook.id));
                  }}
                >
                  Delete
                </button>
              </div>
              {open === webhook.id && <Deliveries webhook={webhook} />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
