/**
 * The ordered list of migrations. `npm run migration:create` appends new ones here; the migrator uses this list
 * instead of scanning the folder, so the same build runs on any Node version.
 */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123175446_Initial } from './Migration20261123175446_Initial';
import { Migration20261123180000_AuditAppendOnly } from './Migration20261123180000_AuditAppendOnly';
import { Migration20261123180408_WorkflowWipLimits } from './Migration20261123180408_WorkflowWipLimits';
import { Migration20261124090000_AuditCompliance } from './Migration20261124090000_AuditCompliance';
import { Migration20261127130000_AgentIdleStatus } from './Migration20261127130000_AgentIdleStatus';
import { Migration20261127132127_SignIn } from './Migration20261127132127_SignIn';
import { Migration20261127133000_ReachHooks } from './Migration20261127133000_ReachHooks';
import { Migration20261127140000_AuditSeal } from './Migration20261127140000_AuditSeal';
import { Migration20261127131500_Notifications } from './Migration20261127131500_Notifications';

export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123175446_Initial', class: Migration20261123175446_Initial },
  { name: 'Migration20261123180000_AuditAppendOnly', class: Migration20261123180000_AuditAppendOnly },
  { name: 'Migration20261123180408_WorkflowWipLimits', class: Migration20261123180408_WorkflowWipLimits },
  { name: 'Migration20261124090000_AuditCompliance', class: Migration20261124090000_AuditCompliance },
  { name: 'Migration20261127130000_AgentIdleStatus', class: Migration20261127130000_AgentIdleStatus },
  { name: 'Migration20261127132127_SignIn', class: Migration20261127132127_SignIn },
  { name: 'Migration20261127133000_ReachHooks', class: Migration20261127133000_ReachHooks },
  { name: 'Migration20261127140000_AuditSeal', class: Migration20261127140000_AuditSeal },
  { name: 'Migration20261127131500_Notifications', class: Migration20261127131500_Notifications },
];
