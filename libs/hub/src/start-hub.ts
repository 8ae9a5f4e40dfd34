import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { BusTransport } from '@wirehook/bus';
import { configureApi } from './api/api-components';
import { bootstrapAdminToken, defaultAdminTokenPolicy } from './auth/admin-token';
import { serveDashboard } from './dashboard/serve-dashboard';
import { HubModule } from './hub.module';
import type { HubOptions } from './hub-options';

export interface RunningHub {
  app: INestApplication;
  /** Base URL of the API, e.g. http://127.0.0.1:8898 */
  url: string;
  /**
   * Secret of the admin token created by this start (print it once), or undefined when the policy
   * created none (`when-missing` and an admin token already exists). See HubOptions.adminToken.
   */
  adminToken: string | undefined;
  close(): Promise<void>;
}

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const adminToken = await bootstrapAdminToken(options.database.tokens, options.adminToken ?? defaultAdminTokenPolicy(options.config));
  const app = await NestFactory.create(HubModule.forRoot(options), { logger: ['error', 'warn'], abortOnError: false });
  configureApi(app);
  if (options.dashboardDir !== false) serveDashboard(app, options.dashboardDir);
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
  return { app, url: `http://${host}:${boundPort}`, adminToken, close: () => app.close() };
}
