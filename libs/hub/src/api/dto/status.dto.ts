import { ApiProperty } from '@nestjs/swagger';

export class HealthView {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ example: 'in-process' }) bus!: string;
  @ApiProperty({ format: 'date-time' }) time!: string;
}

export class WorkerStatusView {
  @ApiProperty() node!: string;
  @ApiProperty() version!: string;
  @ApiProperty() uptimeSeconds!: number;
  @ApiProperty() packets!: number;
  @ApiProperty() items!: number;
  @ApiProperty() drops!: number;
  @ApiProperty() agentsLoaded!: number;
  @ApiProperty() capture!: string;
  @ApiProperty({ format: 'date-time' }) lastSeen!: string;
  @ApiProperty({ description: 'No heartbeat for three intervals.' }) stale!: boolean;
}

export class EnvNamesView {
  @ApiProperty({ description: 'Names of scripting.env (agents read them as env.NAME); values never leave the hub.', type: [String] })
  names!: string[];
}

export class ExampleView {
  @ApiProperty({ description: 'File name without .js; use it in the create URL.', example: 'slack-on-5xx' }) name!: string;
  @ApiProperty() title!: string;
  @ApiProperty() source!: string;
}
