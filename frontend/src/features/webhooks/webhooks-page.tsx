'use client';

import { useMemo, useState } from 'react';
import {
  WEBHOOK_FORMATS,
  type CreateWebhookRequest,
  type Webhook,
  type WebhookDeliveryAttempt,
  type WebhookFormat,
  type WebhookWithSecret,
  type Workflow,
} from '@tandem/shared';
import { CreateForm, RecordTable, useActions, type Column } from '@/lib/admin-list';
import { getClient, isConflict } from '@/lib/client';
import { formatTime } from '@/lib/format';
import { ConfirmButton, OneTimeSecret } from '@/lib/one-time-secret';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { field, useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { useSession } from '@/features/shell/use-session';

const FORMAT_LABELS: Record<WebhookFormat, string> = {
  json: 'JSON (signed envelope)',
  slack: 'Slack / Mattermost message',
};

/** The fields of a webhook as the register and edit forms ask for them. */
function WebhookFields({ webhook, workflows }: { webhook?: Webhook; workflows: Workflow[] }) {
  return (
    <>
      <label>
        URL
        <input name="url" type="url" required defaultValue={webhook?.url} placeholder="https://example.com/tandem" />
      </label>
      <label>
        Events
        <input
          name="events"
          required
          defaultValue={webhook ? webhook.events.join(', ') : 'suggestion.*'}
          placeholder="suggestion.*, task.moved, *"
        />
      </label>
      <label>
        Workflow
        <select name="workflowId" defaultValue={webhook?.workflowId ?? ''}>
          <option value="">All workflows</option>
          {workflows.map((workflow) => (
            <option key={workflow.id} value={workflow.id}>
              {workflow.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Format
        <select name="format" defaultValue={webhook?.format ?? 'json'}>
          {WEBHOOK_FORMATS.map((format) => (
            <option key={format} value={format}>
              {FORMAT_LABELS[format]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Description
        <input name="description" defaultValue={webhook?.description} maxLength={500} />
      </label>
    </>
  );
}

/** What the register and edit forms send. */
const webhookRequest = (
  form: FormData,
): Required<Omit<CreateWebhookRequest, 'workflowId'>> & {
  workflowId: string | null;
} => ({
  url: field(form, 'url').trim(),
  events: field(form, 'events')
    .split(/[\s,]+/)
    .filter(Boolean),
  workflowId: field(form, 'workflowId') || null,
  format: field(form, 'format') as WebhookFormat,
  description: field(form, 'description'),
});

type Attempt = WebhookDeliveryAttempt & { id: string };

/** Every attempt of one webhook, newest first, with redelivery. */
function Deliveries({ webhook }: { webhook: Webhook }) {
  const attempts = useApi(swrKeys.webhookDeliveries(webhook.id), async () =>
    (await getClient().webhookDeliveries(webhook.id)).items.map((attempt): Attempt => ({
      ...attempt,
      id: `${attempt.deliveryId}-${attempt.attempt}`,
    })),
  );
  const { act, messages } = useActions();
  const redeliver = (deliveryId: string) =>
    void act(async () => {
      await getClient().redeliverWebhook(webhook.id, deliveryId);
      setTimeout(() => void attempts.mutate(), 1500);
    }, 'Queued again: the new attempt shows here in a moment.');
  const columns: Column<Attempt>[] = [
    { label: 'When', cell: (attempt) => formatTime(attempt.at) },
    { label: 'Event', cell: (attempt) => `#${attempt.eventId}` },
    { label: 'Attempt', cell: (attempt) => attempt.attempt },
    {
      label: 'Answer',
      testId: 'delivery-answer',
      title: (attempt) => attempt.error,
      cell: (attempt) => attempt.status ?? `no answer: ${attempt.error ?? 'unknown error'}`,
    },
    { label: 'Time', cell: (attempt) => `${attempt.durationMs} ms` },
    {
      label: 'Actions',
      cell: (attempt) => (
        <button type="button" onClick={() => redeliver(attempt.deliveryId)}>
          Redeliver
        </button>
      ),
    },
  ];
  return (
    <div className="stack">
      <div className="row">
        <h3>Deliveries</h3>
        <button type="button" onClick={() => void attempts.mutate()}>
          Refresh
        </button>
      </div>
      {messages}
      <RecordTable
        answer={attempts}
        what="deliveries"
        testId="webhook-deliveries"
        columns={columns}
        rowAttributes={(attempt) => ({
          'data-testid': 'delivery-row',
          'data-delivery-id': attempt.deliveryId,
          'data-attempt': String(attempt.attempt),
        })}
      />
    </div>
  );
}

/** Admins register webhooks, edit, pause and resume them, delete them, and follow their deliveries. */
export function WebhooksPage() {
  const session = useSession();
  const isAdmin = session.can('admin');
  const webhooks = useApi(isAdmin ? swrKeys.webhooks() : null, () => getClient().listWebhooks({ limit: 500 }));
  const workflowsAnswer = useApi(isAdmin ? swrKeys.workflows() : null, () => getClient().listWorkflows({ limit: 200 }));
  const workflows = useMemo(() => workflowsAnswer.data?.items ?? [], [workflowsAnswer.data]);
  const [created, setCreated] = useState<WebhookWithSecret>();
  const [open, setOpen] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const { act, messages } = useActions();

  if (!isAdmin) return <Empty>Only admins manage webhooks.</Empty>;

  const change = (work: () => Promise<unknown>, done?: string) =>
    void act(async () => {
      try {
        await work();
      } finally {
        await webhooks.mutate();
      }
    }, done);

  const register = (form: FormData, element: HTMLFormElement) =>
    change(async () => {
      setCreated(await getClient().createWebhook(webhookRequest(form)));
      element.reset();
    });

  const workflowName = (id: string | null) =>
    id ? (workflows.find((workflow) => workflow.id === id)?.name ?? 'a workflow') : 'all workflows';

  return (
    <div className="stack webhooks-page">
      <h1>Webhooks</h1>
      {created && (
        <OneTimeSecret secret={created.secret} onClose={() => setCreated(undefined)} testId="webhook-secret">
          Signing secret for <strong>{created.url}</strong>: check each delivery&apos;s <code>Tandem-Signature</code>{' '}
          with it.
        </OneTimeSecret>
      )}
      {messages}
      <CreateForm id="register-webhook" title="Register a webhook" submitLabel="Register" onSubmit={register}>
        <WebhookFields workflows={workflows} />
      </CreateForm>
      {webhooks.error ? (
        <ErrorState error={webhooks.error} retry={() => void webhooks.mutate()} />
      ) : !webhooks.data ? (
        <Loading what="webhooks" />
      ) : webhooks.data.items.length === 0 ? (
        <Empty>No webhooks yet.</Empty>
      ) : (
        <ul className="stack" data-testid="webhook-list">
          {webhooks.data.items.map((webhook) => (
            <li key={webhook.id} className="card stack" data-testid="webhook-row" data-url={webhook.url}>
              <div className="row">
                <strong className="long">{webhook.url}</strong>
                <span className={`status-pill wh-${webhook.status}`} data-testid="webhook-status">
                  {webhook.status}
                </span>
              </div>
              <p className="muted small" data-testid="webhook-summary">
                {webhook.events.join(', ')} · {FORMAT_LABELS[webhook.format]} · {workflowName(webhook.workflowId)}
                {webhook.description ? ` · ${webhook.description}` : ''}
                {webhook.pausedReason ? ` · paused: ${webhook.pausedReason}` : ''}
              </p>
              <div className="row">
                <button
                  type="button"
                  onClick={() =>
                    change(
                      () =>
                        getClient().updateWebhook(webhook.id, { active: !webhook.active, version: webhook.version }),
                      webhook.active ? 'Paused: nothing is sent until you resume it.' : 'Resumed.',
                    )
                  }
                >
                  {webhook.active ? 'Pause' : 'Resume'}
                </button>
                <button
                  type="button"
                  aria-expanded={editing === webhook.id}
                  onClick={() => setEditing(editing === webhook.id ? null : webhook.id)}
                >
                  Edit
                </button>
                <button
                  type="button"
                  aria-expanded={open === webhook.id}
                  onClick={() => setOpen(open === webhook.id ? null : webhook.id)}
                >
                  {open === webhook.id ? 'Hide deliveries' : 'Deliveries'}
                </button>
                <ConfirmButton
                  label="Delete"
                  question={`Delete the webhook to ${webhook.url}?`}
                  confirmLabel="Delete"
                  danger
                  onConfirm={() => change(() => getClient().deleteWebhook(webhook.id), 'Deleted.')}
                />
              </div>
              {editing === webhook.id && (
                <CreateForm
                  id={`edit-webhook-${webhook.id}`}
                  title="Edit"
                  submitLabel="Save"
                  onSubmit={(form) =>
                    change(async () => {
                      try {
                        await getClient().updateWebhook(webhook.id, {
                          ...webhookRequest(form),
                          version: webhook.version,
                        });
                        setEditing(null);
                      } catch (caught) {
                        if (isConflict(caught)) throw new Error('Someone changed this webhook meanwhile. Try again.');
                        throw caught;
                      }
                    }, 'Saved.')
                  }
                >
                  <WebhookFields webhook={webhook} workflows={workflows} />
                </CreateForm>
              )}
              {open === webhook.id && <Deliveries webhook={webhook} />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
