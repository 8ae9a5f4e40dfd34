import type { Provider, Type } from '@nestjs/common';
import { DryRunController } from './dry-run.controller';
import { DryRunService } from './dry-run.service';
import { FlowCatalogService } from './flow-catalog.service';
import { FlowsController } from './flows.controller';
import { FlowsService } from './flows.service';

/** Flows API (`/api/flows`) and dry runs (`/api/dry-run`), for HubModule. */
export const FLOW_CONTROLLERS: Type[] = [FlowsController, DryRunController];
export const FLOW_PROVIDERS: Provider[] = [FlowCatalogService, FlowsService, DryRunService];
