import { Injectable } from '@nestjs/common';
import type { Task } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import type { Caller, RequestMeta } from '../../common/caller';
import { WritePath } from '../../core/write-path.service';
import { activeClaim, FINISHED, taskChanges, toTask } from './task.mapper';
import { TasksService } from './tasks.service';

/**
 * Claims (issue 5, point 7): an agent leases a task before working on it. The lease simply runs out if the agent
 * dies, so no scheduler is needed; finishing the task releases it (see `enterStatus`).
 */
@Injectable()
export class TaskClaimsService {
  constructor(
    private readonly writes: WritePath,
    private readonly tasks: TasksService,
  ) {}

  /** Claims, or renews the caller's own claim; another agent's live claim is a 409 naming the holder. */
  claim(caller: Caller, meta: RequestMeta, id: string, ttlSeconds: number): Promise<Task> {
    if (caller.type !== 'agent') throw new AppError(ErrorCode.Forbidden, 'Only agents claim tasks');
    return this.writes.run(caller, meta, async (tx) => {
      const task = await this.tasks.lockForWrite(tx, id);
      await this.tasks.assertNotClaimedByOther(tx, task);
      if (FINISHED.includes(task.status)) {
        throw new AppError(ErrorCode.NotApplicable, `The task is ${task.status}: there is nothing left to claim`, {
          current: (await this.tasks.serialize(tx.em, [task]))[0],
        });
      }
      const now = new Date();
      const renewed = activeClaim(task, now);
      const before = toTask(task, 0, now);
      await this.tasks.save(tx, task, {
        claimedBy: caller.id,
        claimExpiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      });
      const [claimed] = await this.tasks.serialize(tx.em, [task]);
      tx.record({
        action: 'task.claimed',
        entityType: 'task',
        entityId: task.id,
        workflowId: task.workflow,
        changes: taskChanges(before, claimed),
        context: { ttlSeconds, renewed },
        data: claimed,
      });
      return claimed;
    });
  }

  /** The holder releases its claim; a human (member or above) may break anyone's. No live claim: nothing to do. */
  release(caller: Caller, meta: RequestMeta, id: string): Promise<Task> {
    return this.writes.run(caller, meta, async (tx) => {
      const task = await this.tasks.lockForWrite(tx, id);
      const now = new Date();
      if (!activeClaim(task, now)) return (await this.tasks.serialize(tx.em, [task]))[0];
      await this.tasks.assertNotClaimedByOther(tx, task);
      const before = toTask(task, 0, now);
      const holder = task.claimedBy;
      await this.tasks.save(tx, task, { claimedBy: null, claimExpiresAt: null });
      const [released] = await this.tasks.serialize(tx.em, [task]);
      tx.record({
        action: 'task.released',
        entityType: 'task',
        entityId: task.id,
        workflowId: task.workflow,
        changes: taskChanges(before, released),
        context: { broken: caller.type !== 'agent', holder },
        data: released,
      });
      return released;
    });
  }
}
