'use client';

import { ChangePassword } from './change-password';
import { SessionsList } from './sessions-list';
import { TwoFactor } from './two-factor';

/** The signed-in person's own security: password, two-factor sign-in, and where they are signed in. */
export function AccountPage() {
  return (
    <div className="account">
      <h1>Account</h1>
      <TwoFactor />
      <ChangePassword />
      <SessionsList />
    </div>
  );
}
