import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/** Where a plugin comes from: exactly one of folder, tarball, package. Paths are on the hub's file system. */
export class PluginSourceBody {
  @ApiPropertyOptional({ description: 'A built plugin package folder (packed with `npm pack` by the hub).' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  folder?: string;

  @ApiPropertyOptional({ description: 'An npm tarball (`npm pack` output).' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  tarball?: string;

  @ApiPropertyOptional({ description: 'name@version from the npm registry.', example: '@wirehook/plugin-slack@1.0.0' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  package?: string;
}

export class UpgradePluginBody extends PluginSourceBody {
  @ApiPropertyOptional({ description: 'Go ahead with a major version change (otherwise 409 with the preflight).', default: false })
  @IsOptional()
  @IsBoolean()
  acceptMajor?: boolean;
}

export class UpdatePluginBody {
  @ApiPropertyOptional({ description: 'Run the plugin on every node (false: unloaded everywhere, kept installed).' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: "Replaces the plugin's settings (checked against its manifest); `delivery` tunes its queue.", type: Object })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;
}

export class PluginHelperView {
  @ApiProperty({ example: 'vendor.slack' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String], description: 'Parameter names in call order.' }) parameters!: string[];
  @ApiProperty({ enum: ['await', 'queue'] }) delivery!: string;
  @ApiProperty() idempotent!: boolean;
}

export class PluginView {
  @ApiProperty({ example: '@wirehook/plugin-slack' }) name!: string;
  @ApiProperty({ example: '1.0.0' }) version!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: Object }) settings!: Record<string, unknown>;
  @ApiProperty() installedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional() displayName?: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ type: [PluginHelperView] }) helpers!: PluginHelperView[];
  @ApiPropertyOptional({ description: 'Why the installed files could not be read.' }) problem?: string;
  @ApiPropertyOptional({ description: 'State on the hub: loaded, or failed with the reason.' }) hub?: { state: string; error?: string };
}

export class PluginDetailView extends PluginView {
  @ApiPropertyOptional({ type: Object, description: 'The full `wirehook` manifest.' }) manifest?: Record<string, unknown>;
}
