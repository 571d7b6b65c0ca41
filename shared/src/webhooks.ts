import type { Actor } from './entities.js';

/** `json`: the signed envelope; `slack`: an incoming-webhook message (`text` + `blocks`), also the envelope signed. */
export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const WEBHOOK_STATUSES = ['active', 'paused'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export interface Webhook {
  id: string;
  url: string;
  /** Audit action patterns: `suggestion.*`, `task.moved`, `*`. */
  events: string[];
  workflowId: string | null;
  format: WebhookFormat;
  description: string;
  status: WebhookStatus;
  /** Same as `status === 'active'`. */
  active: boolean;
  /** Failed deliveries in a row (reset by a success); reaching WEBHOOK_MAX_FAILURES pauses the webhook. */
  consecutiveFailures: number;
  pausedReason: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** The answer of `POST /api/webhooks`: the signing secret is shown this once. */
export interface WebhookWithSecret extends Webhook {
  secret: string;
}

export interface CreateWebhookRequest {
  url: string;
  events: string[];
  workflowId?: string | null;
  format?: WebhookFormat;
  description?: string;
}

export interface UpdateWebhookRequest extends Partial<CreateWebhookRequest> {
  active?: boolean;
  status?: WebhookStatus;
  version?: number;
}

/** One attempt to deliver one event to one webhook (`GET /api/webhooks/:id/deliveries`, newest first). */
export interface WebhookDeliveryAttempt {
  /** Sent as `Tandem-Delivery`: the same on every retry of this event to this webhook. */
  deliveryId: string;
  /** The event's id: the audit entry's seq, as a string. */
  eventId: string;
  attempt: number;
  at: string;
  /** The receiver's HTTP status; null when no answer came (timeout, refused connection). */
  status: number | null;
  durationMs: number;
  error?: string;
}

/** The body of a `json` delivery (signed: `Tandem-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "t.body")>`). */
export interface WebhookEnvelope {
  /** The audit entry's seq, as a string. */
  id: string;
  type: string;
  at: string;
  workflowId: string | null;
  actor: Actor;
  data: unknown;
}
