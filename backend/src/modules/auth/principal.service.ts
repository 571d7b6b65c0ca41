import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Principal } from '@tandem/shared';
import { AppError } from '../../common/app-error';
import type { Caller } from '../../common/caller';
import { AgentsService } from '../agents/agents.service';
import { UserEntity } from '../users/entities/user.entity';
import { toUser } from '../users/user.mapper';

/** `GET /api/auth/me`: the full record of whoever is calling. */
@Injectable()
export class PrincipalService {
  constructor(
    private readonly orm: MikroORM,
    private readonly agents: AgentsService,
  ) {}

  async describe(caller: Caller): Promise<Principal> {
    if (caller.type === 'agent') return { type: 'agent', agent: await this.agents.get(caller.id) };
    const user = caller.id ? await this.orm.em.fork().findOne(UserEntity, { id: caller.id }) : null;
    if (!user) throw AppError.notFound('user');
    return { type: 'human', user: toUser(user) };
  }
}
