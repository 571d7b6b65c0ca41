import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { NO_REQUEST, SYSTEM } from './common/caller';
import { assertAdminPassword } from './modules/auth/password-policy';
import { UserEntity } from './modules/users/entities/user.entity';
import { UsersService } from './modules/users/users.service';

/**
 * The first start creates an admin from ADMIN_EMAIL/ADMIN_PASSWORD, or with generated credentials that are
 * printed once (DESIGN 2). Later starts leave users alone.
 */
export async function seedAdmin(
  app: INestApplication,
  env: { adminEmail?: string; adminPassword?: string },
): Promise<{ email: string; password: string; generated: boolean } | null> {
  assertAdminPassword(env.adminPassword);
  const users = await app.get(MikroORM).em.fork().count(UserEntity, {});
  if (users > 0) return null;
  const email = env.adminEmail ?? 'admin@tandem.local';
  const generated = !env.adminPassword;
  const password = env.adminPassword ?? randomBytes(12).toString('base64url');
  await app.get(UsersService).create(SYSTEM, NO_REQUEST, { email, name: 'Admin', password, role: 'admin' });
  return { email, password, generated };
}
