import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Page, Webhook, WebhookDeliveryAttempt, WebhookWithSecret } from '@tandem/shared';
import { Access, CurrentCaller, Meta } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { UuidParamPipe } from '../../common/uuid-param.pipe';
import { CreateWebhookDto, ListDeliveriesQueryDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Access({ role: 'admin' })
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** 201 with the webhook and its signing `secret`, shown this once. */
  @Post()
  create(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Body() dto: CreateWebhookDto,
  ): Promise<WebhookWithSecret> {
    return this.webhooks.create(caller, meta, dto);
  }

  @Get()
  list(@Query() query: ListDeliveriesQueryDto): Promise<Page<Webhook>> {
    return this.webhooks.list(query);
  }

  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<Webhook> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  update(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateWebhookDto,
  ): Promise<Webhook> {
    return this.webhooks.update(caller, meta, id, dto);
  }

  @Delete(':id')
  remove(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<Webhook> {
    return this.webhooks.remove(caller, meta, id);
  }

  /** Every attempt, newest first: `{deliveryId, eventId, attempt, at, status, durationMs, error?}`. */
  @Get(':id/deliveries')
  deliveries(
    @Param('id', UuidParamPipe) id: string,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<Page<WebhookDeliveryAttempt>> {
    return this.webhooks.deliveries(id, query);
  }

  /** 202: the delivery is queued again at once, with the same `Tandem-Delivery` id. */
  @HttpCode(202)
  @Post(':id/deliveries/:deliveryId/redeliver')
  redeliver(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Param('deliveryId', UuidParamPipe) deliveryId: string,
  ) {
    return this.webhooks.redeliver(caller, meta, id, deliveryId);
  }
}
