'use client';

import { useState } from 'react';
import { ROLES, type Role, type UpdateUserRequest, type User } from '@tandem/shared';
import { CreateForm, RecordTable, useActions, type Column } from '@/lib/admin-list';
import { errorMessage, getClient, isConflict } from '@/lib/client';
import { fetchAll } from '@/lib/directory';
import { ConfirmButton, OneTimeSecret } from '@/lib/one-time-secret';
import { Empty } from '@/lib/states';
import { field, useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { useSession } from '@/features/shell/use-session';

const ROLE_HELP: Record<Role, string> = {
  viewer: 'reads everything',
  member: 'edits and moves tasks, comments',
  approver: 'also decides agent suggestions',
  admin: 'also manages people, agents and workflows',
};

interface Issued {
  who: string;
  password: string;
}

/** People (admins): add someone with a one-time password, change roles, disable, reset a password. */
export function PeoplePage() {
  const session = useSession();
  const isAdmin = session.can('admin');
  const users = useApi<User[]>(isAdmin ? swrKeys.users() : null, () =>
    fetchAll((cursor) => getClient().listUsers({ limit: 200, cursor })),
  );
  const [issued, setIssued] = useState<Issued>();
  const replace = (saved: User) =>
    users.mutate((current) => current?.map((user) => (user.id === saved.id ? saved : user)), { revalidate: false });
  const { act, messages } = useActions(async (caught) => {
    if (!isConflict(caught)) return errorMessage(caught);
    if (caught.current) await replace(caught.current as User);
    return 'Someone else changed this person meanwhile; the list shows their change. Try again.';
  });

  if (!isAdmin) return <Empty>Only admins manage people.</Empty>;

  const create = (form: FormData, formElement: HTMLFormElement) =>
    void act(async () => {
      const created = await getClient().createUser({
        email: field(form, 'email').trim(),
        name: field(form, 'name').trim(),
        role: field(form, 'role') as Role,
      });
      const { temporaryPassword, ...user } = created;
      await users.mutate((current) => [...(current ?? []), user], { revalidate: false });
      if (temporaryPassword) setIssued({ who: `${user.name} (${user.email})`, password: temporaryPassword });
      formElement.reset();
    });

  const update = (user: User, patch: Omit<UpdateUserRequest, 'version'>, done: string) =>
    void act(async () => {
      await replace(await getClient().updateUser(user.id, { ...patch, version: user.version }));
    }, done);

  const columns: Column<User>[] = [
    {
      label: 'Name',
      cell: (user) => (
        <>
          <strong>{user.name}</strong>
          {user.id === session.user?.id && <span className="muted small"> (you)</span>}
        </>
      ),
    },
    { label: 'Email', className: 'long', cell: (user) => user.email },
    {
      label: 'Role',
      cell: (user) => {
        const self = user.id === session.user?.id;
        return (
          <select
            aria-label={`Role of ${user.name}`}
            value={user.role}
            disabled={self}
            title={self ? 'You cannot change your own role' : undefined}
            onChange={(event) => {
              const role = event.target.value as Role;
              update(user, { role }, `${user.name} is now ${role}.`);
            }}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        );
      },
    },
    {
      label: 'Status',
      cell: (user) => (
        <span className={user.disabled ? 'status-pill disabled' : 'status-pill active'}>
          {user.disabled ? 'disabled' : 'active'}
        </span>
      ),
    },
    {
      label: 'Actions',
      cell: (user) => (
        <div className="row">
          {user.disabled ? (
            <button type="button" onClick={() => update(user, { disabled: false }, `${user.name} can sign in again.`)}>
              Enable
            </button>
          ) : (
            <ConfirmButton
              label="Disable"
              question={`Disable ${user.name}? They are signed out and cannot sign in.`}
              confirmLabel="Disable"
              danger
              disabled={user.id === session.user?.id}
              onConfirm={() => update(user, { disabled: true }, `${user.name} is disabled.`)}
            />
          )}
          <ConfirmButton
            label="Reset password"
            question={`Give ${user.name} a new one-time password? Their sessions end.`}
            confirmLabel="Reset"
            onConfirm={() =>
              void act(async () => {
                const { temporaryPassword } = await getClient().resetPassword(user.id);
                setIssued({ who: `${user.name} (${user.email})`, password: temporaryPassword });
                await users.mutate(); // the reset bumped the user's version
              })
            }
          />
        </div>
      ),
    },
  ];

  return (
    <div className="people-page">
      <h1>People</h1>
      {issued && (
        <OneTimeSecret secret={issued.password} onClose={() => setIssued(undefined)} testId="temporary-password">
          One-time password for <strong>{issued.who}</strong>. Give it to them privately; they sign in with it.
        </OneTimeSecret>
      )}
      {messages}
      <CreateForm id="add-person" title="Add a person" submitLabel="Add person" onSubmit={create}>
        <label>
          Email
          <input name="email" type="email" required maxLength={320} autoComplete="off" />
        </label>
        <label>
          Name
          <input name="name" required maxLength={200} autoComplete="off" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="member">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}: {ROLE_HELP[role]}
              </option>
            ))}
          </select>
        </label>
      </CreateForm>
      <RecordTable
        answer={users}
        what="people"
        testId="people-table"
        columns={columns}
        rowAttributes={(user) => ({ 'data-testid': 'person-row', 'data-email': user.email })}
      />
    </div>
  );
}
