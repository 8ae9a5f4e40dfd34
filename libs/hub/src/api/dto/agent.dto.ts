import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import type { AgentRuntimeStats } from '@wirehook/contracts';

/** Longest agent source accepted, in characters (the JSON body limit is set to match). */
export const MAX_SOURCE_LENGTH = 1_000_000;
const TITLE_LENGTH = 200;
const MESSAGE_LENGTH = 500;

export class CreateAgentBody {
  @ApiPropertyOptional({ description: 'Unique title. Default: the first comment line of the source.', maxLength: TITLE_LENGTH })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(TITLE_LENGTH)
  title?: string;

  @ApiProperty({ description: 'ES5 source of the agent.', maxLength: MAX_SOURCE_LENGTH })
  @IsString()
  @MaxLength(MAX_SOURCE_LENGTH)
  source!: string;

  @ApiPropertyOptional({ description: 'Run it on every node right away.', default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'Message of the first revision.', maxLength: MESSAGE_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MESSAGE_LENGTH)
  message?: string;
}

/** What every write to an existing agent carries: the revision it was based on (or an If-Match header). */
export class RevisionBasedBody {
  @ApiPropertyOptional({ description: 'Revision the change was made on; required unless an If-Match header gives it. A stale one gets 409.', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  baseRevision?: number;

  @ApiPropertyOptional({ description: 'Message of the new revision.', maxLength: MESSAGE_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MESSAGE_LENGTH)
  message?: string;
}

export class UpdateAgentBody extends RevisionBasedBody {
  @ApiPropertyOptional({ maxLength: TITLE_LENGTH })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(TITLE_LENGTH)
  title?: string;

  @ApiPropertyOptional({ description: 'New ES5 source.', maxLength: MAX_SOURCE_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SOURCE_LENGTH)
  source?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class ValidateAgentBody {
  @ApiProperty({ maxLength: MAX_SOURCE_LENGTH })
  @IsString()
  @MaxLength(MAX_SOURCE_LENGTH)
  source!: string;

  @ApiPropertyOptional({ description: 'File name used in messages and as the title fallback.', default: 'agent.js' })
  @IsOptional()
  @IsString()
  @Matches(/^[^/\\\r\n]{1,200}$/, { message: 'fileName must be a file name without folders' })
  fileName?: string;
}

export class CreateFromExampleBody {
  @ApiPropertyOptional({ description: "Default: the example's title.", maxLength: TITLE_LENGTH })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(TITLE_LENGTH)
  title?: string;

  @ApiPropertyOptional({ description: 'Examples often need env values first, so they start inactive.', default: false })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class Es5DiagnosticView {
  @ApiProperty({ description: '1-based' }) line!: number;
  @ApiProperty({ description: '1-based' }) column!: number;
  @ApiProperty({ example: 'agent.js:3:9: arrow functions are not ES5' }) message!: string;
}

export class ValidationResultView {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ description: 'The title the agent would get.' }) title!: string;
  @ApiProperty({ type: [Es5DiagnosticView] }) diagnostics!: Es5DiagnosticView[];
}

/** Body of a 422: the source is not ES5. */
export class InvalidAgentView {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty() error!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: [Es5DiagnosticView] }) diagnostics!: Es5DiagnosticView[];
}

export class AgentRuntimeStatsView implements AgentRuntimeStats {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ enum: ['loading', 'loaded', 'failed', 'stopped'] }) state!: 'loading' | 'loaded' | 'failed' | 'stopped';
  @ApiProperty() calls!: number;
  @ApiProperty() events!: number;
  @ApiProperty() errors!: number;
  @ApiProperty() cpuMs!: number;
  @ApiProperty() wallMs!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) limitHits!: Record<string, number>;
  @ApiProperty() consoleDropped!: number;
  @ApiProperty() droppedBatches!: number;
}

export class AgentSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'Stored switch: the agent should run.' }) active!: boolean;
  @ApiProperty({ description: 'In the set announced to every node (active, and allowed by scripting.active).' }) running!: boolean;
  @ApiProperty({ enum: ['code', 'flow'] }) origin!: string;
  @ApiProperty({ description: 'Current revision; send it back as baseRevision (or If-Match) when saving.' }) revision!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({
    description: 'Runtime counters by node name ("hub" and each worker that answered).',
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(AgentRuntimeStatsView) },
  })
  stats!: Record<string, AgentRuntimeStats>;
}

export class AgentView extends AgentSummaryView {
  @ApiProperty() source!: string;
}

export class AgentRevisionView {
  @ApiProperty({ format: 'uuid' }) agentId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() title!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ example: 'api:alice' }) author!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AgentRevisionSourceView extends AgentRevisionView {
  @ApiProperty() source!: string;
}

export class RevisionDiffView {
  @ApiProperty() from!: number;
  @ApiProperty() to!: number;
  @ApiProperty({ description: 'Unified diff of the source.' }) patch!: string;
}
