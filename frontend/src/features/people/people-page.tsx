'use client';

import { useState, type FormEvent } from 'react';
import { ROLES, type Role, type User } from '@tandem/shared';
import { errorMessage, getClient, isConflict } from '@/lib/client';
import { fetchAll } from '@/lib/directory';
import { ConfirmButton, OneTimeSecret } from '@/lib/one-time-secret';
import { Empty, ErrorState, Loading } from '@/lib/states';
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
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();

  if (!isAdmin) return <Empty>Only admins manage people.</Empty>;

  const replace = (saved: User) =>
    users.mutate((current) => current?.map((user) => (user.id === saved.id ? saved : user)), { revalidate: false });

  const act = async (work: () => Promise<void>, done?: string) => {
    setError(undefined);
    setStatus(undefined);
    try {
      await work();
      if (done) setStatus(done);
    } catch (caught) {
      if (isConflict(caught) && caught.current) await replace(caught.current as User);
      setError(
        isConflict(caught)
          ? 'Someone else changed this person meanwhile; the list shows their change. Try again.'
          : errorMessage(caught),
      );
    }
  };

  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
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
  };

  return (
    <div className="people-page">
      <h1>People</h1>
      {issued && (
        <OneTimeSecret secret={issued.password} onClose={() => setIssued(undefined)} testId="temporary-password">
          One-time password for <strong>{issued.who}</strong>. Give it to them privately; they sign in with it.
        </OneTimeSecret>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {status && (
        <p className="ok" role="status">
          {status}
        </p>
      )}
      <form className="card form-grid" onSubmit={create} aria-labelledby="add-person">
        <h2 id="add-person">Add a person</h2>
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
        <button type="submit" className="primary">
          Add person
        </button>
      </form>
      {users.error ? (
        <ErrorState error={users.error} retry={() => void users.mutate()} />
      ) : !users.data ? (
        <Loading what="people" />
      ) : users.data.length === 0 ? (
        <Empty>No people yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table responsive" data-testid="people-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Role</th>
                <th>Status</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => {
                const self = user.id === session.user?.id;
                return (
                  <tr key={user.id} data-testid="person-row" data-email={user.email}>
                    <td data-label="Name">
                      <strong>{user.name}</strong>
                      {self && <span className="muted small"> (you)</span>}
                    </td>
                    <td data-label="Email" className="long">
                      {user.email}
                    </td>
                    <td data-label="Role">
                      <select
                        aria-label={`Role of ${user.name}`}
                        value={user.role}
                        disabled={self}
                        title={self ? 'You cannot change your own role' : undefined}
                        onChange={(event) => {
                          const role = event.target.value as Role;
                          void act(async () => {
                            await replace(await getClient().updateUser(user.id, { role, version: user.version }));
                          }, `${user.name} is now ${role}.`);
                        }}
                      >
                        {ROLES.map((role) => (
                          <option key={role} value={role}>
                            {role}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td data-label="Status">
                      <span className={user.disabled ? 'status-pill disabled' : 'status-pill active'}>
                        {user.disabled ? 'disabled' : 'active'}
                      </span>
                    </td>
                    <td data-label="Actions">
                      <div className="row">
                        {user.disabled ? (
                          <button
                            type="button"
                            onClick={() =>
                              void act(async () => {
                                await replace(
                                  await getClient().updateUser(user.id, { disabled: false, version: user.version }),
                                );
                              }, `${user.name} can sign in again.`)
                            }
                          >
                            Enable
                          </button>
                        ) : (
                          <ConfirmButton
                            label="Disable"
                            question={`Disable ${user.name}? They are signed out and cannot sign in.`}
                            confirmLabel="Disable"
                            danger
                            disabled={self}
                            onConfirm={() =>
                              void act(async () => {
                                await replace(
                                  await getClient().updateUser(user.id, { disabled: true, version: user.version }),
                                );
                              }, `${user.name} is disabled.`)
                            }
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
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
