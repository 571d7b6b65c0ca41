export interface HealthOptions {
  /** Checked by `/health/ready` when the node fans out through Redis. */
  redisUrl?: string;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
