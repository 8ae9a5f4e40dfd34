import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { JobSummary } from '@wirehook/contracts';

export class JobView implements JobSummary {
  @ApiProperty({ format: 'uuid' }) agentId!: string;
  @ApiProperty() agentTitle!: string;
  @ApiProperty() tag!: string;
  @ApiProperty({ example: '0 */1 * * * *' }) cron!: string;
  @ApiProperty({ description: 'Runs allowed on this node; 0 = forever.' }) limit!: number;
  @ApiProperty() runs!: number;
  @ApiProperty() passed!: number;
  @ApiProperty() failed!: number;
  @ApiPropertyOptional({ description: 'ms since epoch' }) lastRun?: number;
  @ApiPropertyOptional() lastError?: string;
}

export class JobRunView {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: "'' when the run passed" }) error!: string;
}

export class NodeJobsView {
  @ApiProperty({ example: 'hub' }) node!: string;
  @ApiProperty() schedulerRunning!: boolean;
  @ApiProperty({ type: [JobView] }) jobs!: JobView[];
  @ApiPropertyOptional({ type: JobRunView, description: 'Set by run: how the run ended.' }) run?: JobRunView;
}

export class NodeJobsOrErrorView {
  @ApiProperty() node!: string;
  @ApiPropertyOptional() schedulerRunning?: boolean;
  @ApiPropertyOptional({ type: [JobView] }) jobs?: JobView[];
  @ApiPropertyOptional({ description: 'Why the node did not answer.' }) error?: string;
}
