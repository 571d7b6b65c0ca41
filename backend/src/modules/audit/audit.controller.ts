import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditEntry, Page } from '@tandem/shared';
import { Access } from '../../common/access.decorator';
import { AuditQueryService } from './audit-query.service';
import { AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit')
@Access({ role: 'admin' })
@Controller('audit')
export class AuditController {
  constructor(private readonly query: AuditQueryService) {}

  @Get()
  search(@Query() query: AuditQueryDto): Promise<Page<AuditEntry>> {
    return this.query.search(query);
  }
}
