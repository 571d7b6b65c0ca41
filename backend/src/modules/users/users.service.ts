import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager, type FilterQuery, type FindOptions } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import type { CreatedUser, Page, PersonSummary, ResetPasswordResponse, Role, User } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import { applyPatch } from '../../common/changes';
import type { Caller, RequestMeta } from '../../common/caller';
import { DEFAULT_PAGE_SIZE, toPage, type PageQueryDto } from '../../common/paging';
import { WritePath, type WriteTx } from '../../core/write-path.service';
import { hashPassword } from '../../common/secrets';
import type { CreateUserDto } from './dto/create-user.dto';
import type { UpdateUserDto } from './dto/update-user.dto';
import { UserEntity } from './entities/user.entity';
import { UserSessionsPort } from './user-sessions.port';
import { toUser } from './user.mapper';

/** A one-time password an admin hands over (16 characters, 96 random bits); only its hash is stored. */
function temporaryPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Who an enabled user is, for resolving a caller. */
export type Principal = Pick<UserEntity, 'id' | 'name' | 'role' | 'mfaEnabledAt'>;

/**
 * How a principal is read, by plain SQL from `users` aliased `u`: every request resolves its caller, so auth reads
 * the session and its holder in one statement, and an entity query would cost about three times the CPU of the
 * statement itself (bench/where-the-time-goes.md).
 */
export const PRINCIPAL_SQL = { columns: 'u.id, u.name, u.role, u.mfa_enabled_at', enabled: 'u.disabled = false' };

export interface PrincipalRow {
  id: string;
  name: string;
  role: Role;
  mfa_enabled_at: string | null;
}

export const principalOf = (row: PrincipalRow): Principal => ({
  id: row.id,
  name: row.name,
  role: row.role,
  mfaEnabledAt: row.mfa_enabled_at === null ? null : new Date(row.mfa_enabled_at),
});

@Injectable()
export class UsersService {
  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    private readonly sessions: UserSessionsPort,
  ) {}

  /** A user row, for modules that need one (they never query the users table themselves). */
  find(em: EntityManager, id: string): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { id });
  }

  /** Locks a user row for this transaction, or 404. */
  lock(tx: WriteTx, id: string): Promise<UserEntity> {
    return tx.lock(UserEntity, id, 'user');
  }

  /** Users matching `where` (read-only), for modules that select people: reviewers, mentions, recipients. */
  query<Fields extends string = never>(
    em: EntityManager,
    where: FilterQuery<UserEntity>,
    options: FindOptions<UserEntity, never, Fields> = {},
  ) {
    return em.find(UserEntity, where, options);
  }

  findByEmail(em: EntityManager, email: string): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { email: email.trim().toLowerCase() });
  }

  async list(query: PageQueryDto): Promise<Page<User>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.orm.em.fork().find(UserEntity, query.cursor ? { id: { $gt: query.cursor } } : {}, {
      orderBy: { id: 'asc' },
      limit: limit + 1,
    });
    return toPage(rows.map(toUser), limit, (user) => user.id);
  }

  async directory(query: PageQueryDto): Promise<Page<PersonSummary>> {
    const page = await this.list(query);
    return {
      items: page.items.map(({ id, name, role, disabled }) => ({ id, name, role, disabled })),
      nextCursor: page.nextCursor,
    };
  }

  async create(caller: Caller, meta: RequestMeta, dto: CreateUserDto): Promise<CreatedUser> {
    const email = dto.email.trim().toLowerCase();
    const generated = dto.password === undefined ? temporaryPassword() : undefined;
    const passwordHash = await hashPassword(dto.password ?? generated!);
    const user = await this.writes
      .run(caller, meta, async (tx) => {
        if (await tx.em.count(UserEntity, { email })) {
          throw new AppError(ErrorCode.Conflict, `A user with email ${email} already exists`);
        }
        const user = tx.em.create(UserEntity, { email, name: dto.name, role: dto.role, passwordHash, disabled: false });
        tx.record(() => ({
          action: 'user.created',
          entityType: 'user',
          entityId: user.id,
          changes: { email: [null, email], name: [null, dto.name], role: [null, dto.role] },
          data: toUser(user),
        }));
        return user;
      })
      .then(toUser);
    return generated ? { ...user, temporaryPassword: generated } : user;
  }

  /** A new one-time password, answered once; the user's sessions end (whoever held the old one is out). */
  async resetPassword(caller: Caller, meta: RequestMeta, id: string): Promise<ResetPasswordResponse> {
    const password = temporaryPassword();
    const passwordHash = await hashPassword(password);
    await this.writes.run(caller, meta, async (tx) => {
      const user = await tx.lock(UserEntity, id, 'user');
      user.passwordHash = passwordHash;
      const sessions = (await this.sessions.endSessions(tx.em, id)).length;
      tx.record(() => ({
        action: 'user.updated',
        entityType: 'user',
        entityId: id,
        changes: { password: ['(hidden)', '(reset)'] },
        context: { passwordReset: true, sessionsEnded: sessions },
        data: toUser(user),
      }));
    });
    return { temporaryPassword: password };
  }

  async update(caller: Caller, meta: RequestMeta, id: string, dto: UpdateUserDto): Promise<User> {
    const passwordHash = dto.password ? await hashPassword(dto.password) : undefined;
    return this.writes
      .run(caller, meta, async (tx) => {
        const user = await tx.lock(UserEntity, id, 'user');
        if (dto.version !== undefined && dto.version !== user.version)
          throw AppError.versionConflict('user', toUser(user));
        if (id === caller.id && ((dto.role && dto.role !== 'admin') || dto.disabled)) {
          throw AppError.badRequest('Admins cannot demote or disable themselves');
        }
        const changes = applyPatch(user, { name: dto.name, role: dto.role, disabled: dto.disabled });
        let endedSessions: string[] = [];
        if (passwordHash) {
          user.passwordHash = passwordHash;
          changes.password = ['(hidden)', '(changed)'];
          // An admin reset (e.g. after a compromise) ends every session of that user.
          endedSessions = await this.sessions.endSessions(tx.em, id);
        }
        const action = dto.disabled === true && changes.disabled ? 'user.disabled' : 'user.updated';
        if (Object.keys(changes).length) {
          const context = endedSessions.length ? { endedSessions } : undefined;
          tx.record(() => ({ action, entityType: 'user', entityId: id, changes, context, data: toUser(user) }));
        }
        return user;
      })
      .then(toUser);
  }

  /** DELETE disables the account: users are referenced by the audit log and are never removed. */
  remove(caller: Caller, meta: RequestMeta, id: string): Promise<User> {
    return this.update(caller, meta, id, { disabled: true });
  }
}
