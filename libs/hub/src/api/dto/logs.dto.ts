import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { LOG_LEVELS, type LogEntry, type LogLevel } from '@wirehook/contracts';

export const MAX_LOG_LIMIT = 10_000;

/** Filters of `GET /api/logs` and of the `/api/logs/stream` WebSocket. */
export class LogsQuery {
  @ApiPropertyOptional({ description: 'Node name: "hub" or a worker.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  node?: string;

  @ApiPropertyOptional({ description: 'Agent title.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  agent?: string;

  @ApiPropertyOptional({ description: 'This level and above.', enum: LOG_LEVELS })
  @IsOptional()
  @IsIn(LOG_LEVELS)
  level?: LogLevel;

  @ApiPropertyOptional({ description: 'Most recent entries to return (stream: to send before live ones).', minimum: 1, maximum: MAX_LOG_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LOG_LIMIT)
  limit?: number;
}

export class LogEntryView implements LogEntry {
  @ApiProperty({ enum: [1] }) v!: 1;
  @ApiProperty({ description: 'ms since epoch' }) time!: number;
  @ApiProperty() node!: string;
  @ApiProperty({ description: "Agent title, or '' for runtime messages." }) agent!: string;
  @ApiProperty({ enum: LOG_LEVELS }) level!: LogLevel;
  @ApiProperty({ enum: ['console', 'hook-error', 'limit', 'job', 'load', 'runtime', 'audit'] }) source!: LogEntry['source'];
  @ApiProperty() message!: string;
}
