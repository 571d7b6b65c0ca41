import type { MentionData, Notification, SuggestionNoticeData } from '@tandem/shared';

const DECISION_WORDS: Record<string, string> = {
  approved: 'approved',
  rejected: 'rejected',
  expired: 'let expire',
  pending: 'asked for changes on',
};

/** What a notification says in the bell's list, and where clicking it leads. */
export function describeNotification(notification: Notification): { text: string; detail?: string; href: string } {
  switch (notification.type) {
    case 'mention': {
      const data = notification.data as MentionData;
      return {
        text: `${data.author.name} mentioned you${data.taskTitle ? ` on “${data.taskTitle}”` : ''}`,
        detail: data.excerpt,
        href: `/workflows/${data.workflowId}?task=${data.taskId}`,
      };
    }
    case 'suggestion.routed': {
      const data = notification.data as SuggestionNoticeData;
      return {
        text: `Review requested: ${data.action}`,
        detail: `from ${data.actor.name}`,
        href: '/approvals?assignedTo=me',
      };
    }
    case 'suggestion.escalated': {
      const data = notification.data as SuggestionNoticeData;
      return { text: `Escalated: ${data.action}`, detail: 'waiting past half its time to decide', href: '/approvals' };
    }
    case 'suggestion.decided': {
      const data = notification.data as SuggestionNoticeData;
      const who = data.actor.type === 'system' ? 'The policy' : data.actor.name;
      return {
        text: `${who} ${DECISION_WORDS[data.status] ?? data.status} “${data.action}”`,
        detail: data.decisionNote ?? undefined,
        href: data.taskId ? `/workflows/${data.workflowId}?task=${data.taskId}` : '/approvals',
      };
    }
  }
}
