import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { BusTransport } from '@wirehook/bus';
import { HubModule } from './hub.module';
import type { HubOptions } from './hub-options';

export interface RunningHub {
  app: INestApplication;
  /** Base URL of the API, e.g. http://127.0.0.1:8898 */
  url: string;
  close(): Promise<void>;
}

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const app = await NestFactory.create(HubModule.forRoot(options), { logger: ['error', 'warn'], abortOnError: false });
  // Bus subscriptions first: the agent catalog announces agents as the application boots.
  app.connectMicroservice({ strategy: new BusTransport(options.bus) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  const { host, port } = options.config.hub;
  try {
    await app.listen(port, host);
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? `port ${port} is already in use (set hub.port or HUB_PORT)` : (error as Error).message;
    throw new Error(`hub cannot listen on ${host}:${port}: ${reason}`);
  }
  const address = app.getHttpServer().address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return { app, url: `http://${host}:${boundPort}`, close: () => app.close() };
}
