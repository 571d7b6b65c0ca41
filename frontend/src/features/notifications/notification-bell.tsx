'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '@/lib/client';
import { formatTime } from '@/lib/format';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { describeNotification } from './notification-text';
import { useEmailPreference, useNotificationList, useUnreadCount } from './use-notifications';

function EmailToggle() {
  const { prefs, setEmail } = useEmailPreference(true);
  const [error, setError] = useState<string>();
  if (!prefs.data) return null;
  return (
    <label className="notification-email small">
      <input
        type="checkbox"
        data-testid="notification-email"
        checked={prefs.data.email}
        onChange={(event) => {
          setError(undefined);
          void setEmail(event.target.checked).catch((caught: unknown) => setError(errorMessage(caught)));
        }}
      />
      Email me (mentions at once, suggestions as a digest)
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </label>
  );
}

function NotificationPanel({ onClose }: { onClose: () => void }) {
  const { list, markRead, markAllRead } = useNotificationList(true);
  const items = list.data?.items ?? [];
  return (
    <div className="notification-panel" role="dialog" aria-label="Notifications" data-testid="notification-panel">
      <div className="row notification-panel-head">
        <strong>Notifications</strong>
        <button
          type="button"
          className="link-button"
          data-testid="notification-read-all"
          disabled={!items.some((item) => !item.read)}
          onClick={() => void markAllRead()}
        >
          Mark all read
        </button>
      </div>
      {list.error ? (
        <ErrorState error={list.error} retry={() => void list.mutate()} />
      ) : !list.data ? (
        <Loading what="notifications" />
      ) : items.length === 0 ? (
        <Empty>Nothing yet: mentions, reviews for you and decisions on your tasks show up here.</Empty>
      ) : (
        <ul className="notification-list">
          {items.map((item) => {
            const { text, detail, href } = describeNotification(item);
            return (
              <li
                key={item.id}
                className={item.read ? 'notification' : 'notification unread'}
                data-testid="notification"
                data-read={item.read}
                data-type={item.type}
              >
                <Link
                  href={href}
                  onClick={() => {
                    if (!item.read) void markRead(item.id);
                    onClose();
                  }}
                >
                  <span>{text}</span>
                  {detail && <span className="muted small notification-detail">{detail}</span>}
                  <span className="muted small">{formatTime(item.at)}</span>
                </Link>
                {!item.read && (
                  <button
                    type="button"
                    className="link-button small"
                    data-testid="notification-read"
                    onClick={() => void markRead(item.id)}
                  >
                    Mark read
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <EmailToggle />
    </div>
  );
}

/** The bell in the top bar: a live unread count, and a panel with the newest notifications. */
export function NotificationBell() {
  const count = useUnreadCount().data?.count ?? 0;
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
    const onClick = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('mousedown', onClick);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('mousedown', onClick);
    };
  }, [open]);
  return (
    <div className="notification-bell" ref={root}>
      <button
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-label={`Notifications, ${count} unread`}
        data-testid="notification-bell"
        data-unread={count}
        onClick={() => setOpen((value) => !value)}
      >
        {/* An inline icon: an emoji bell depends on the fonts the machine has. */}
        <svg
          aria-hidden="true"
          width="16"
          height="16"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
        >
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {count > 0 && (
          <span className="bell-count" data-testid="notification-count">
            {count > 99 ? '99+' : count}
          </span>
        )}
      </button>
      {open && <NotificationPanel onClose={() => setOpen(false)} />}
    </div>
  );
}
