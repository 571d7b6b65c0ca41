'use client';

import { initials } from '@/lib/format';
import { usePresence } from '@/lib/live';

/** Who else is looking at this board right now (people and agents). */
export function PresenceAvatars({ workflowId }: { workflowId: string }) {
  const viewers = usePresence(workflowId);
  if (viewers.length === 0) return null;
  return (
    <ul className="presence" aria-label="Viewing this board" data-testid="presence">
      {viewers.map((viewer) => (
        <li key={`${viewer.type}:${viewer.id}`} className={`avatar ${viewer.type}`} title={viewer.name}>
          {initials(viewer.name)}
          <span className="sr-only">{viewer.name}</span>
        </li>
      ))}
    </ul>
  );
}
