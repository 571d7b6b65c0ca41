/** Notifications (issue 14): what a person is told about, the REST shapes, and the mention syntax. */
import type { Actor, Reviewers } from './entities.js';
import type { Role, SuggestionStatus } from './vocabulary.js';

/**
 * `mention`: someone wrote `@handle` in a comment; `suggestion.routed`: a new suggestion names me (or my role) as a
 * reviewer; `suggestion.escalated`: a pending suggestion reached half its TTL and I am who hears of escalations;
 * `suggestion.decided`: a suggestion on a task I created or am assigned was decided.
 */
export const NOTIFICATION_TYPES = [
  'mention',
  'suggestion.routed',
  'suggestion.escalated',
  'suggestion.decided',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface MentionData {
  commentId: string;
  taskId: string;
  taskTitle: string;
  workflowId: string;
  author: Actor;
  /** The comment's first characters, for the list and the email. */
  excerpt: string;
}

export interface SuggestionNoticeData {
  suggestionId: string;
  workflowId: string;
  taskId: string | null;
  /** The suggestion's one-line summary. */
  action: string;
  status: SuggestionStatus;
  /** Who caused it (the agent that posted, the system that escalated, the approver who decided). */
  actor: Actor;
  decisionNote?: string | null;
}

export type NotificationData = MentionData | SuggestionNoticeData;

export interface Notification {
  id: string;
  type: NotificationType;
  at: string;
  read: boolean;
  data: NotificationData;
}

export interface NotificationPreferences {
  /** Email when the server has SMTP configured; on by default. */
  email: boolean;
}

/** Someone the comment editor offers after `@`. */
export interface MentionCandidate {
  id: string;
  name: string;
  /** What is inserted after `@`: the local part of their email. */
  handle: string;
}

export interface UnreadCount {
  count: number;
}

/** A mention handle is the part of the user's email before `@` (`@ada` for `ada@example.com`). */
export function mentionHandle(email: string): string {
  return email.slice(0, email.lastIndexOf('@')).toLowerCase();
}

/**
 * The handles mentioned in a markdown body, lower-cased and once each. A mention starts a word (so an email
 * address inside the text is not one) and may end with a dot that is really the sentence's.
 */
export function mentionedHandles(body: string): string[] {
  const handles = new Set<string>();
  for (const match of body.matchAll(/(?<![\w.@`/])@([a-z0-9][a-z0-9._%+-]*)/gi)) {
    handles.add(match[1].replace(/[._%+-]+$/, '').toLowerCase());
  }
  return [...handles].filter(Boolean);
}

/** Whether a suggestion's reviewers name this person, by id or by (exactly) their role: "assigned to me". */
export function isRoutedTo(reviewers: Reviewers | null | undefined, user: { id: string; role: Role }): boolean {
  return !!(reviewers?.users?.includes(user.id) || reviewers?.roles?.includes(user.role));
}
