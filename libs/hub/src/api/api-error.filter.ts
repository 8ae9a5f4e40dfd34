import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { DuplicateTitleError, InvalidInputError, NotFoundError, RevisionConflictError, StorageError } from '@wirehook/storage';

/** Body of every error the API sends for a storage error; extra fields say what it was about. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [detail: string]: unknown;
}

/**
 * Storage errors as HTTP answers: not found → 404, stale base revision or taken title → 409
 * (with the current revision, so the client can reload), a value the store refuses → 400.
 */
@Catch(StorageError)
export class StorageErrorFilter implements ExceptionFilter {
  catch(error: StorageError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<ServerResponse>();
    const body = toBody(error);
    if (body.currentRevision !== undefined) response.setHeader('ETag', `"${String(body.currentRevision)}"`);
    response.statusCode = body.statusCode;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.end(JSON.stringify(body));
  }
}

function toBody(error: StorageError): ApiErrorBody {
  if (error instanceof NotFoundError) {
    return { statusCode: HttpStatus.NOT_FOUND, error: 'Not Found', message: error.message, kind: error.kind, key: error.key };
  }
  if (error instanceof RevisionConflictError) {
    return {
      statusCode: HttpStatus.CONFLICT,
      error: 'Conflict',
      message: error.message,
      id: error.id,
      baseRevision: error.baseRevision,
      currentRevision: error.currentRevision,
    };
  }
  if (error instanceof DuplicateTitleError) {
    return { statusCode: HttpStatus.CONFLICT, error: 'Conflict', message: error.message, title: error.title };
  }
  if (error instanceof InvalidInputError) {
    return { statusCode: HttpStatus.BAD_REQUEST, error: 'Bad Request', message: error.message, field: error.field };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: error.message };
}
