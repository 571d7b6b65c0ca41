import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { parseChannel, workflowChannel, type Channel } from '@tandem/shared';
import { isHumanAtLeast, type Caller, type RequestMeta } from '../common/caller';
import { AuditService } from '../core/audit.service';
import { WorkflowEntity } from '../modules/workflows/entities/workflow.entity';
import { WorkflowAccess } from '../modules/workflows/workflow-access.service';

export type ChannelDecision = { ok: true; channel: Channel } | { ok: false; error: string };

/**
 * Who may subscribe to what (DESIGN 5). Agents may not subscribe to `workflows`: its events carry every
 * workflow, and membership is per channel, not per subscriber; agents follow `workflow:<id>` of their own
 * workflows instead. Refusals are audited; a malformed channel name is bad input and is not.
 */
@Injectable()
export class ChannelAccess {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly workflows: WorkflowAccess,
  ) {}

  async authorize(caller: Caller, meta: RequestMeta, name: string): Promise<ChannelDecision> {
    const verdict = await this.check(caller, name);
    if (verdict.ok || verdict.refusal === null) return verdict.ok ? verdict : { ok: false, error: verdict.error };
    const { channel, refusal } = verdict;
    const parsed = parseChannel(channel);
    const workflowId = parsed?.kind === 'workflow' ? parsed.workflowId : null;
    await this.audit.recordDenied(caller, meta, `subscribe ${channel}: ${refusal}`, {
      entityType: workflowId ? 'workflow' : 'session',
      entityId: workflowId,
      workflowId,
      context: { channel },
    });
    return { ok: false, error: `forbidden: ${refusal}` };
  }

  /**
   * Whether the caller may still read a channel it subscribed to. Not audited: it is the server re-checking a
   * live subscription after an access change, not a request of the client.
   */
  async stillAllows(caller: Caller, channel: Channel): Promise<boolean> {
    return (await this.check(caller, channel)).ok;
  }

  /** The rule itself. `refusal: null` marks bad input (not audited), a string a refusal (audited). */
  private async check(
    caller: Caller,
    name: string,
  ): Promise<{ ok: true; channel: Channel } | { ok: false; error: string; channel: Channel; refusal: string | null }> {
    const parsed = parseChannel(name);
    if (!parsed)
      return { ok: false, error: `unknown channel ${JSON.stringify(name)}`, channel: 'audit', refusal: null };
    const em = this.orm.em.fork();
    let refusal: string | null = null;
    let channel: Channel;
    switch (parsed.kind) {
      case 'workflow': {
        channel = workflowChannel(parsed.workflowId);
        if (!(await em.count(WorkflowEntity, { id: parsed.workflowId }))) {
          return { ok: false, error: `workflow ${parsed.workflowId} not found`, channel, refusal: null };
        }
        if (caller.type === 'agent' && !(await this.workflows.isAssigned(em, caller.id, parsed.workflowId))) {
          refusal = 'agent is not assigned to this workflow';
        } else if (caller.type === 'human' && !isHumanAtLeast(caller, 'viewer')) refusal = 'needs role viewer';
        break;
      }
      case 'workflows':
        channel = parsed.kind;
        if (caller.type !== 'human') refusal = 'agents subscribe to the workflow:<id> channels of their workflows';
        break;
      case 'queue':
        channel = parsed.kind;
        if (!isHumanAtLeast(caller, 'approver')) refusal = 'needs role approver';
        break;
      case 'agents':
        channel = parsed.kind;
        break;
      case 'audit':
        channel = parsed.kind;
        if (!isHumanAtLeast(caller, 'admin')) refusal = 'needs role admin';
        break;
    }
    return refusal === null ? { ok: true, channel } : { ok: false, error: `forbidden: ${refusal}`, channel, refusal };
  }
}
