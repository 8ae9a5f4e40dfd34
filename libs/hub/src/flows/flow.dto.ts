import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { RevisionBasedBody } from '../api/dto/agent.dto';

const NAME_LENGTH = 200;
const MESSAGE_LENGTH = 500;

export class CreateFlowBody {
  @ApiPropertyOptional({ description: "Unique flow name. Default: the graph's title.", maxLength: NAME_LENGTH })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_LENGTH)
  name?: string;

  @ApiProperty({ description: 'The flow graph ({title, description?, nodes, edges}; libs/flow).', type: 'object', additionalProperties: true })
  @IsObject()
  graph!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Run the generated agent on every node right away.', default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ maxLength: MESSAGE_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MESSAGE_LENGTH)
  message?: string;
}

export class SaveFlowBody extends RevisionBasedBody {
  @ApiPropertyOptional({ maxLength: NAME_LENGTH })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_LENGTH)
  name?: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  graph!: Record<string, unknown>;

  @ApiPropertyOptional({ description: "The generated agent's switch; left out: unchanged." })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class ImportFlowBody {
  @ApiProperty({ description: 'An exported flow document (GET /api/flows/:id/export), as JSON or as its text.' })
  @ValidateIf((_body, value) => typeof value !== 'string')
  @IsObject()
  document!: Record<string, unknown> | string;

  @ApiPropertyOptional({ description: "Name of the new flow. Default: the graph's title.", maxLength: NAME_LENGTH })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_LENGTH)
  name?: string;

  @ApiPropertyOptional({ description: 'Run the generated agent right away.', default: false })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class PreviewImportBody {
  @ApiProperty({ description: 'An exported flow document, as JSON or as its text.' })
  @ValidateIf((_body, value) => typeof value !== 'string')
  @IsObject()
  document!: Record<string, unknown> | string;
}

export class DryRunBody {
  @ApiProperty({ description: 'A capture file name from GET /api/dry-run/captures.', example: 'demo-http.pcap' })
  @IsString()
  @Matches(/^[^/\\]{1,255}$/, { message: 'capture must be a file name from GET /api/dry-run/captures' })
  capture!: string;

  @ApiPropertyOptional({ description: 'Run this unsaved ES5 source.', maxLength: 1_000_000 })
  @IsOptional()
  @IsString()
  @MaxLength(1_000_000)
  source?: string;

  @ApiPropertyOptional({ description: 'Run this unsaved flow graph (compiled here).', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  graph?: Record<string, unknown>;

  @ApiPropertyOptional({ description: "Run a stored agent's current source.", format: 'uuid' })
  @IsOptional()
  @IsUUID()
  agentId?: string;

  @ApiPropertyOptional({ description: "Run a stored flow's graph.", format: 'uuid' })
  @IsOptional()
  @IsUUID()
  flowId?: string;

  @ApiPropertyOptional({ description: 'Items (and packets) replayed at most.', default: 1000, minimum: 1, maximum: 20000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20000)
  maxEvents?: number;

  @ApiPropertyOptional({ description: 'Run each job the agent scheduled once after the replay.', default: true })
  @IsOptional()
  @IsBoolean()
  runJobs?: boolean;

  @ApiPropertyOptional({ description: 'What utils.nodeName() answers: "worker" (default) or "hub".', enum: ['worker', 'hub'] })
  @IsOptional()
  @IsIn(['worker', 'hub'])
  node?: 'worker' | 'hub';
}

export class FlowAgentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ description: 'In the set every node runs.' }) running!: boolean;
  @ApiProperty() revision!: number;
}

export class FlowSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Send it back as baseRevision (or If-Match) when saving.' }) revision!: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) agentId!: string | null;
  @ApiPropertyOptional({ type: FlowAgentView }) agent?: FlowAgentView;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class FlowView extends FlowSummaryView {
  @ApiProperty({ type: 'object', additionalProperties: true }) graph!: object;
  @ApiPropertyOptional({ description: 'The generated agent source.' }) source?: string;
}

export class FlowIssueView {
  @ApiProperty({ enum: ['error', 'warning'] }) severity!: string;
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional() nodeId?: string;
  @ApiPropertyOptional() edgeId?: string;
  @ApiPropertyOptional() parameter?: string;
  @ApiPropertyOptional() path?: string;
}

/** Body of a 422: the flow has errors (each names its node). */
export class InvalidFlowView {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty() error!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: [FlowIssueView] }) issues!: FlowIssueView[];
}

export class MissingPluginView {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Semver range the flow needs.' }) range!: string;
  @ApiPropertyOptional({ description: 'Installed version, when out of range.' }) installed?: string;
  @ApiProperty({ enum: ['not-installed', 'incompatible-version'] }) problem!: string;
}

export class ImportPreviewView {
  @ApiProperty({ type: 'object', additionalProperties: true }) graph!: object;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) requires!: Record<string, string>;
  @ApiProperty({ type: [MissingPluginView], description: 'Plugins to install (or upgrade) before the import.' }) missing!: MissingPluginView[];
  @ApiProperty({ type: [String] }) migrated!: string[];
  @ApiProperty({ type: [FlowIssueView] }) issues!: FlowIssueView[];
}

export class CaptureView {
  @ApiProperty({ example: 'demo-http.pcap' }) name!: string;
  @ApiProperty() size!: number;
  @ApiProperty({ format: 'date-time' }) modifiedAt!: string;
}

export class RecordedCallView {
  @ApiProperty() seq!: number;
  @ApiProperty({ example: 'vendor.webhook' }) helper!: string;
  @ApiProperty({ type: 'array', items: {} }) args!: unknown[];
  @ApiProperty({ enum: ['load', 'item', 'packet', 'job'] }) phase!: string;
  @ApiPropertyOptional() event?: number;
  @ApiPropertyOptional() job?: string;
}

export class DryRunEventView {
  @ApiProperty() index!: number;
  @ApiProperty({ enum: ['item', 'packet'] }) kind!: string;
  @ApiPropertyOptional() id?: string;
  @ApiPropertyOptional() protocol?: string;
  @ApiProperty() summary!: string;
}

export class DryRunView {
  @ApiProperty() capture!: string;
  @ApiProperty() title!: string;
  @ApiProperty() loaded!: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) loadError?: object;
  @ApiProperty({ type: [String] }) hooks!: string[];
  @ApiProperty() packets!: number;
  @ApiProperty() items!: number;
  @ApiProperty({ type: [RecordedCallView], description: 'Every helper call, in the order the agent made it.' }) calls!: RecordedCallView[];
  @ApiProperty({ type: [DryRunEventView] }) events!: DryRunEventView[];
  @ApiProperty({ type: [String] }) jobsRun!: string[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) logs!: object[];
  @ApiProperty() truncated!: boolean;
  @ApiProperty() durationMs!: number;
  @ApiPropertyOptional({ description: 'The source that ran (a flow compiled here).' }) source?: string;
}
