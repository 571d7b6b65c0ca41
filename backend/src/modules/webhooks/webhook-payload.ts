import type { AuditEntry, Suggestion, WebhookEnvelope, WebhookFormat } from '@tandem/shared';

/** The signed JSON body of a delivery: the event as the real-time protocol has it, its id the audit seq. */
export function envelopeOf(entry: AuditEntry): WebhookEnvelope {
  return {
    id: String(entry.seq),
    type: entry.action,
    at: entry.at,
    workflowId: entry.workflowId,
    actor: entry.actor,
    data: entry.data,
  };
}

/** The body for a webhook's format: the envelope, or a Slack/Mattermost incoming-webhook message. */
export function bodyFor(format: WebhookFormat, entry: AuditEntry, publicUrl: string): unknown {
  switch (format) {
    case 'json':
      return envelopeOf(entry);
    case 'slack':
      return slackMessage(entry, publicUrl);
  }
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `{text, blocks}`: Slack's incoming-webhook format (Mattermost and others read `text`). */
export function slackMessage(entry: AuditEntry, publicUrl: string): { text: string; blocks: unknown[] } {
  const who = escape(entry.actor.name);
  if (entry.entityType === 'suggestion' && entry.data && typeof entry.data === 'object') {
    const suggestion = entry.data as Suggestion;
    const link = `${publicUrl}/approvals?suggestion=${suggestion.id}`;
    const verb = entry.action.replace('suggestion.', '').replace(/_/g, ' ');
    const summary = escape(suggestion.action);
    const text = `Suggestion ${verb} by ${who}: ${summary} (${suggestion.status}). Decide: ${link}`;
    return {
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `*${summary}*\n${suggestion.kind} · ${verb} by ${who}` } },
        ...(suggestion.reasoning
          ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: escape(suggestion.reasoning.slice(0, 2000)) }] }]
          : []),
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Tandem' }, url: link }],
        },
      ],
    };
  }
  const text = `${entry.action} by ${who}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${escape(entry.action)}* by ${who}` } }] };
}
