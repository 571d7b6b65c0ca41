import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type {
  AuditCheckpoint,
  AuditEntry,
  AuditExportManifest,
  AuditOversight,
  AuditPublicKey,
  AuditRetentionResult,
  AuditVerifyResult,
  Page,
} from '@tandem/shared';
import type { Response } from 'express';
import { Access, CurrentCaller, Meta } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditExportService } from './audit-export.service';
import { AuditOversightService } from './audit-oversight.service';
import { ActivityService, AuditQueryService } from './audit-query.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditVerifyService } from './audit-verify.service';
import {
  AuditCheckpointsDto,
  AuditExportDto,
  AuditOversightDto,
  AuditRetentionDto,
  AuditVerifyDto,
} from './dto/audit-admin.dto';
import { ActivityQueryDto, AuditFilterDto, AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit')
@Access({ role: 'admin' })
@Controller('audit')
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly verifier: AuditVerifyService,
    private readonly exports: AuditExportService,
    private readonly retention: AuditRetentionService,
    private readonly oversightMetrics: AuditOversightService,
    private readonly checkpoints: AuditCheckpointService,
    private readonly activity: ActivityService,
  ) {}

  /** Recent work on the boards for anyone signed in (the dashboard); the full log stays admin-only. */
  @Access({ role: 'viewer' })
  @Get('activity')
  recentActivity(@Query() query: ActivityQueryDto): Promise<Page<AuditEntry>> {
    return this.activity.recent(query.limit ?? 15);
  }

  @Get()
  search(@Query() query: AuditQueryDto): Promise<Page<AuditEntry>> {
    return this.query.search(query);
  }

  @Get('verify')
  verify(@Query() range: AuditVerifyDto): Promise<AuditVerifyResult> {
    return this.verifier.verify(range);
  }

  /** The Ed25519 key that verifies checkpoints (`tandem-audit verify --public-key`). */
  @Get('public-key')
  publicKey(): Promise<AuditPublicKey> {
    return this.checkpoints.publicKey();
  }

  @Get('checkpoints')
  listCheckpoints(@Query() query: AuditCheckpointsDto): Promise<Page<AuditCheckpoint>> {
    return this.checkpoints.list(query);
  }

  /** Signs the head now (e.g. before a backup): 201 with the checkpoint, 204 when the last one covers the head. */
  @Post('checkpoints')
  async createCheckpoint(@Res({ passthrough: true }) res: Response): Promise<AuditCheckpoint | undefined> {
    const made = await this.checkpoints.checkpoint({ wait: true });
    if (!made) res.status(204);
    return made ?? undefined;
  }

  /** The manifest of a CSV export with the same filters (pass the export's `X-Audit-To-Seq` as `toSeq`). */
  @Get('export/manifest')
  manifest(@Query() filter: AuditFilterDto): Promise<AuditExportManifest> {
    return this.exports.manifest(filter);
  }

  @Get('export')
  export(
    @Query() dto: AuditExportDto,
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Res() res: Response,
  ): Promise<void> {
    return this.exports.exportTo(res, caller, meta, dto);
  }

  @Post('retention')
  @HttpCode(200)
  applyRetention(
    @Body() body: AuditRetentionDto,
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
  ): Promise<AuditRetentionResult> {
    return this.retention.removeBefore(caller, meta, body.before);
  }

  @Get('oversight')
  oversight(@Query() query: AuditOversightDto): Promise<AuditOversight> {
    return this.oversightMetrics.oversight(query);
  }
}
