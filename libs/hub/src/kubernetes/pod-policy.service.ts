import { Inject, Injectable } from '@nestjs/common';
import { SCHEMA_VERSION, type LogLevel } from '@wirehook/contracts';
import { loadKubeConfig, PodBlocker, type BlockRequester } from '@wirehook/k8s';
import { HUB_NODE_NAME, HUB_OPTIONS, type HubOptions } from '../hub-options';
import { LogService } from '../logs/log.service';

export type PodPolicyAction = 'block' | 'unblock';

/** What hub.blockPod / hub.unblockPod did: the policy name, for the reply to a worker. */
export interface PodPolicyResult {
  policy: string;
}

/**
 * `hub.blockPod` / `hub.unblockPod` from any node's agents: a deny-all NetworkPolicy per pod
 * (see PodBlocker). Refused unless `kubernetes.enabled` and `kubernetes.networkPolicy.enabled`.
 * Every request, done, refused or failed, leaves an `audit` log entry naming the agent and node.
 */
@Injectable()
export class PodPolicyService {
  private blocker?: PodBlocker;

  constructor(
    @Inject(HUB_OPTIONS) private readonly options: HubOptions,
    private readonly logs: LogService,
  ) {}

  get enabled(): boolean {
    const { kubernetes } = this.options.config;
    return kubernetes.enabled && kubernetes.networkPolicy.enabled;
  }

  async apply(action: PodPolicyAction, name: string, namespace: string, requester: BlockRequester): Promise<PodPolicyResult> {
    const helper = action === 'block' ? 'hub.blockPod' : 'hub.unblockPod';
    const subject = `pod ${namespace}/${name}`;
    const by = `agent "${requester.agent}" on node ${requester.node}`;
    if (!this.enabled) {
      const setting = this.options.config.kubernetes.enabled ? 'kubernetes.networkPolicy.enabled' : 'kubernetes.enabled';
      const reason = `refused: ${setting} is false`;
      this.audit('warn', requester, `${helper} ${reason} (${subject}, asked by ${by})`);
      throw new Error(reason);
    }
    try {
      this.blocker ??= new PodBlocker(loadKubeConfig(this.options.config.kubernetes.kubeconfig));
      if (action === 'block') {
        const outcome = await this.blocker.block(name, namespace, requester);
        const what = outcome.created ? `blocked ${subject} with NetworkPolicy ${namespace}/${outcome.policy}` : `${subject} already blocked by NetworkPolicy ${namespace}/${outcome.policy}`;
        this.audit('warn', requester, `${what} (uid ${outcome.uid}), asked by ${by}`);
        return { policy: outcome.policy };
      }
      const outcome = await this.blocker.unblock(name, namespace);
      const what = outcome.removed ? `unblocked ${subject}: removed NetworkPolicy ${namespace}/${outcome.policy}` : `${subject} was not blocked (no NetworkPolicy ${namespace}/${outcome.policy})`;
      this.audit('warn', requester, `${what}, asked by ${by}`);
      return { policy: outcome.policy };
    } catch (error) {
      this.audit('error', requester, `${helper} failed for ${subject}, asked by ${by}: ${(error as Error).message}`);
      throw error;
    }
  }

  private audit(level: LogLevel, requester: BlockRequester, message: string): void {
    this.logs.publish({ v: SCHEMA_VERSION, time: Date.now(), node: HUB_NODE_NAME, agent: requester.agent, level, source: 'audit', message });
  }
}
