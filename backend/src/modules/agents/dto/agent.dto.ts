import { PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import type { CreateAgentRequest, UpdateAgentRequest } from '@tandem/shared';

export class CreateAgentDto implements CreateAgentRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  capabilities?: string[];
}

export class UpdateAgentDto extends PartialType(CreateAgentDto) implements UpdateAgentRequest {
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}
