import type { MentionData, Notification, SuggestionNoticeData } from '@tandem/shared';

/** A plain-text email: what nodemailer sends (no HTML, so nothing from a comment can inject markup). */
export interface EmailContent {
  subject: string;
  text: string;
}

const taskLink = (baseUrl: string, workflowId: string, taskId: string) =>
  `${baseUrl}/workflows/${workflowId}?task=${taskId}`;

export function mentionEmail(baseUrl: string, data: MentionData): EmailContent {
  const where = data.taskTitle ? `"${data.taskTitle}"` : 'a task';
  return {
    subject: `${data.author.name} mentioned you on ${where}`,
    text: `${data.author.name} mentioned you in a comment on ${where}:\n\n${data.excerpt}\n\nOpen it: ${taskLink(baseUrl, data.workflowId, data.taskId)}\n`,
  };
}

/** One email for a user's batch of routed and escalated suggestions, oldest first. */
export function digestEmail(baseUrl: string, notifications: Notification[]): EmailContent {
  const lines = notifications.map((notification) => {
    const data = notification.data as SuggestionNoticeData;
    const what = notification.type === 'suggestion.escalated' ? 'Escalated' : 'Waiting for your review';
    return `- ${what}: ${data.action} (from ${data.actor.name})`;
  });
  const count = notifications.length;
  return {
    subject: `Tandem: ${count} suggestion${count === 1 ? '' : 's'} for you to review`,
    text: `${lines.join('\n')}\n\nDecide in the approval queue: ${baseUrl}/approvals?assignedTo=me\n`,
  };
}
