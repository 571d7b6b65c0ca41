'use client';

import { useCallback, useEffect } from 'react';
import { useSWRConfig } from 'swr';
import type { Notification, Page, UnreadCount } from '@tandem/shared';
import { getClient } from '@/lib/client';
import { useConnectionState, useNotificationEvents } from '@/lib/live';
import { useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';

const LIST_SIZE = 30;

/** The unread count, live: a new notification counts up at once; a reconnect refetches what arrived meanwhile. */
export function useUnreadCount() {
  const { mutate } = useSWRConfig();
  const count = useApi(swrKeys.unreadNotifications(), () => getClient().unreadNotifications());
  useNotificationEvents(
    useCallback(
      (notification: Notification) => {
        void mutate(
          swrKeys.unreadNotifications(),
          (current: UnreadCount | undefined) => ({ count: (current?.count ?? 0) + (notification.read ? 0 : 1) }),
          { revalidate: false },
        );
        void mutate(
          swrKeys.notifications(),
          (page: Page<Notification> | undefined) =>
            page && { ...page, items: [notification, ...page.items.filter((item) => item.id !== notification.id)] },
          { revalidate: false },
        );
      },
      [mutate],
    ),
  );
  const state = useConnectionState();
  useEffect(() => {
    if (state !== 'live') return;
    void mutate(swrKeys.unreadNotifications());
    void mutate(swrKeys.notifications());
  }, [state, mutate]);
  return count;
}

/** The newest notifications (while the panel is open), with mark read / mark all read. */
export function useNotificationList(open: boolean) {
  const { mutate } = useSWRConfig();
  const list = useApi(open ? swrKeys.notifications() : null, () => getClient().listNotifications({ limit: LIST_SIZE }));
  const refresh = () => Promise.all([mutate(swrKeys.notifications()), mutate(swrKeys.unreadNotifications())]);
  const markRead = async (id: string) => {
    await getClient().markNotificationRead(id);
    await refresh();
  };
  const markAllRead = async () => {
    await getClient().markAllNotificationsRead();
    await refresh();
  };
  return { list, markRead, markAllRead };
}

export function useEmailPreference(open: boolean) {
  const prefs = useApi(open ? swrKeys.notificationPreferences() : null, () => getClient().notificationPreferences());
  const setEmail = async (email: boolean) => {
    await prefs.mutate(getClient().updateNotificationPreferences({ email }), {
      optimisticData: { email },
      rollbackOnError: true,
      revalidate: false,
    });
  };
  return { prefs, setEmail };
}
