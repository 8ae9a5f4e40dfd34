import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTokenAuth } from '../auth/api-token-auth.decorator';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HUB_OPTIONS, type HubOptions } from '../hub-options';
import { EnvNamesView } from './dto/status.dto';

/** Settings agents depend on, without secrets: `scripting.env` values never leave the hub. */
@ApiTags('settings')
@ApiTokenAuth()
@Controller('api/settings')
export class SettingsController {
  constructor(@Inject(HUB_OPTIONS) private readonly options: HubOptions) {}

  @Get('env')
  @ApiOkResponse({ type: EnvNamesView })
  envNames(): EnvNamesView {
    return { names: Object.keys(this.options.config.scripting.env).sort() };
  }
}
