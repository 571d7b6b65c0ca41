import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Principal } from '@tandem/shared';
import { AppError } from '../../common/app-error';
import type { Caller } from '../../common/caller';
import { AgentsService } from '../agents/agents.service';
import { UsersService } from '../users/users.service';
import { toUser } from '../users/user.mapper';

/** `GET /api/auth/me`: the full record of whoever is calling. */
@Injectable()
export class PrincipalService {
  constructor(
    private readonly orm: MikroORM,
    private readonly agents: AgentsService,
    private readonly users: UsersService,
  ) {}

  async describe(caller: Caller): Promise<Principal> {
    if (caller.type === 'agent') return { type: 'agent', agent: await this.agents.get(caller.id) };
    const user = caller.id ? await this.users.find(this.orm.em.fork(), caller.id) : null;
    if (!user) throw AppError.notFound('user');
    return { type: 'human', user: toUser(user) };
  }
}
