'use client';

import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ConnectionState, EventEnvelope, EphemeralEvent, Notification, Viewer } from '@tandem/shared';
import { mutate } from 'swr';
import { getClient } from './client';
import { swrKeys } from './swr-keys';

/**
 * The page's view of TandemClient's socket: which channels the mounted components want, and fan-out of the
 * client's (already ordered, gap-repaired and de-duplicated) events to them. Components subscribe with
 * `useLiveChannel`; the hub subscribes the client to a channel once, however many components listen.
 */
interface Listener {
  onEvent: (event: EventEnvelope) => void;
  onResync: () => void;
}

class LiveHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly ephemeralListeners = new Set<(event: EphemeralEvent) => void>();
  private readonly stateListeners = new Set<() => void>();
  private state: ConnectionState = 'connecting';
  private started = false;
  private reauthenticating = false;

  private start(): void {
    if (this.started) return;
    this.started = true;
    const client = getClient();
    client.on('*', (event) => this.listeners.get(event.channel)?.forEach((listener) => listener.onEvent(event)));
    client.onResync((channel) => this.listeners.get(channel)?.forEach((listener) => listener.onResync()));
    client.on('presence.changed', (event) => this.ephemeralListeners.forEach((listener) => listener(event)));
    client.on('agent.status', (event) => this.ephemeralListeners.forEach((listener) => listener(event)));
    client.on('access.revoked', (event) => {
      this.ephemeralListeners.forEach((listener) => listener(event));
      this.reauthenticate();
    });
    client.onConnectionState((state) => {
      this.state = state;
      this.stateListeners.forEach((listener) => listener());
    });
    this.state = client.connectionState;
    if (client.connectionState === 'offline') client.connect();
  }

  /**
   * The server took authority away (one `access.revoked` per channel, so once per burst): re-read who we are. A
   * signed-out session is sent to the login page by `useSession`, a lowered role hides what it may no longer do, and
   * a session that still holds (it changed its own password) reconnects.
   */
  private reauthenticate(): void {
    if (this.reauthenticating) return;
    this.reauthenticating = true;
    setTimeout(() => {
      this.reauthenticating = false;
      const client = getClient();
      void mutate(swrKeys.me());
      client.me().then(
        () => client.connectionState === 'offline' && client.connect(),
        () => undefined,
      );
    }, 250);
  }

  listen(channel: string, listener: Listener): () => void {
    this.start();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      getClient()
        .subscribe(channel)
        .then((ack) => {
          if (!ack.ok) console.warn(`Live updates for ${channel} are off: ${ack.error}`);
        })
        .catch((error: unknown) => console.warn(`Live updates for ${channel} are off:`, error));
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(channel);
        getClient().unsubscribe(channel);
      }
    };
  }

  onEphemeral(listener: (event: EphemeralEvent) => void): () => void {
    this.start();
    this.ephemeralListeners.add(listener);
    return () => this.ephemeralListeners.delete(listener);
  }

  /** The signed-in person's own notifications: they arrive on the socket without any subscription. */
  onNotification(listener: (notification: Notification) => void): () => void {
    this.start();
    return getClient().on('notification', listener);
  }

  subscribeState = (listener: () => void): (() => void) => {
    this.start();
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  getState = (): ConnectionState => this.state;
}

let hub: LiveHub | undefined;
const getHub = () => (hub ??= new LiveHub());

/** Calls `onEvent` for each event on `channel` while mounted; `onResync` when the client had to give up replay. */
export function useLiveChannel(
  channel: string | null,
  onEvent: (event: EventEnvelope) => void,
  onResync: () => void,
): void {
  const latest = useRef({ onEvent, onResync });
  useEffect(() => {
    latest.current = { onEvent, onResync };
  });
  useEffect(() => {
    if (!channel) return;
    return getHub().listen(channel, {
      onEvent: (event) => latest.current.onEvent(event),
      onResync: () => latest.current.onResync(),
    });
  }, [channel]);
}

/** Ephemeral events (presence, agent status) while mounted. */
export function useEphemeral(onEvent: (event: EphemeralEvent) => void): void {
  const latest = useRef(onEvent);
  useEffect(() => {
    latest.current = onEvent;
  });
  useEffect(() => getHub().onEphemeral((event) => latest.current(event)), []);
}

/** New notifications for the signed-in person while mounted. */
export function useNotificationEvents(onNotification: (notification: Notification) => void): void {
  const latest = useRef(onNotification);
  useEffect(() => {
    latest.current = onNotification;
  });
  useEffect(() => getHub().onNotification((notification) => latest.current(notification)), []);
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    (listener) => getHub().subscribeState(listener),
    () => getHub().getState(),
    (): ConnectionState => 'connecting',
  );
}

/** Who is viewing a board, from the presence events on its channel. */
export function usePresence(workflowId: string): Viewer[] {
  const [viewers, setViewers] = useState<Viewer[]>([]);
  useEphemeral((event) => {
    if (event.type === 'presence.changed' && event.data.workflowId === workflowId) setViewers(event.data.viewers);
  });
  return viewers;
}

const STATE_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export function ConnectionIndicator() {
  const state = useConnectionState();
  return (
    <span className={`connection connection-${state}`} role="status" data-testid="connection" data-state={state}>
      <span className="dot" aria-hidden="true" />
      {STATE_LABELS[state]}
    </span>
  );
}
