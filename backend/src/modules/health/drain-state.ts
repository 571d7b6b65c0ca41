import { Injectable } from '@nestjs/common';

/**
 * Set when the node starts shutting down: readiness turns 503 so load balancers stop sending it work, and
 * whoever holds a request open on purpose (long-polls) is told at once, so it cannot hold the shutdown.
 */
@Injectable()
export class DrainState {
  private isDraining = false;
  private readonly listeners = new Set<() => void>();

  get draining(): boolean {
    return this.isDraining;
  }

  set draining(value: boolean) {
    const started = value && !this.isDraining;
    this.isDraining = value;
    if (started) for (const listener of [...this.listeners]) listener();
  }

  /** Calls `listener` each time draining starts; returns the unsubscribe. */
  onDrain(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
