import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

/**
 * OpenAPI for a controller behind the token guard: bearer auth, 401 and 403. The guard itself is
 * global (auth/); this only documents it, in one place.
 */
export function ApiTokenAuth(forbidden = 'The token role is too weak.'): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No token, or an unknown or revoked one.' }),
    ApiForbiddenResponse({ description: forbidden }),
  );
}
