import type { User } from '@tandem/shared';
import type { UserEntity } from './entities/user.entity';

export function toUser(entity: UserEntity): User {
  return {
    id: entity.id,
    email: entity.email,
    name: entity.name,
    role: entity.role,
    disabled: entity.disabled,
    mfaEnabled: entity.mfaEnabledAt != null,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
    version: entity.version,
  };
}
