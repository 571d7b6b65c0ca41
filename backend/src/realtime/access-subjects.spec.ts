import type { AuditEntry } from '@tandem/shared';
import { accessSubjectsOf } from './access-subjects';

const entry = (overrides: Partial<AuditEntry>): AuditEntry => ({
  seq: 1,
  at: new Date(0).toISOString(),
  actor: { type: 'human', id: 'admin', name: 'Admin' },
  onBehalfOf: null,
  action: 'task.created',
  outcome: 'success',
  entityType: 'task',
  entityId: 'task-1',
  workflowId: 'wf-1',
  changes: {},
  context: {},
  data: null,
  requestId: null,
  ip: null,
  userAgent: null,
  prevHash: '',
  hash: '',
  ...overrides,
});

describe('accessSubjectsOf', () => {
  it('names the user, agent or workflow a change was audited on, and the user whose session changed', () => {
    expect(
      accessSubjectsOf([
        entry({ action: 'user.updated', entityType: 'user', entityId: 'u1' }),
        entry({ action: 'agent.revoked', entityType: 'agent', entityId: 'a1' }),
        entry({ action: 'agent.key_rotated', entityType: 'agent', entityId: 'a1' }),
        entry({ action: 'workflow.agents_assigned', entityType: 'workflow', entityId: 'w1' }),
        entry({
          action: 'auth.logout',
          entityType: 'session',
          entityId: 's1',
          actor: { type: 'human', id: 'u2', name: 'U' },
        }),
      ]),
    ).toEqual({ users: ['u1', 'u2'], agents: ['a1'], workflows: ['w1'], signOut: [] });
  });

  it('signs every socket of a user out after a password change', () => {
    expect(
      accessSubjectsOf([entry({ action: 'auth.password_changed', entityType: 'user', entityId: 'u1' })]),
    ).toMatchObject({ users: ['u1'], signOut: ['u1'] });
  });

  it('ignores refusals and changes that take no authority away', () => {
    expect(accessSubjectsOf([entry({}), entry({ entityType: 'suggestion', action: 'suggestion.approved' })])).toBe(
      null,
    );
    expect(
      accessSubjectsOf([entry({ action: 'access.denied', outcome: 'denied', entityType: 'user', entityId: 'u1' })]),
    ).toBe(null);
  });
});
