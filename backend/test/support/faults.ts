import type { INestApplication } from '@nestjs/common';
import { EventBus, type CommittedEntry } from '../../src/core/event-bus';

/**
 * Fault injection from the test side (production code has no hook for it): the next `count` committed batches
 * of this app are never published, as if the node that committed them died before emitting. Subscribers find
 * out through `prev` on the next event.
 */
export function loseNextEmits(app: INestApplication, count = 1): void {
  const bus = app.get(EventBus);
  const publish = bus.publish.bind(bus);
  let left = count;
  bus.publish = (committed: CommittedEntry[]) => {
    if (left > 0 && committed.length) {
      left -= 1;
      if (left === 0) bus.publish = publish;
      return;
    }
    publish(committed);
  };
}
