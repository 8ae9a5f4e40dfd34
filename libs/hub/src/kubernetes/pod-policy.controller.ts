import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { QueueGroups, SCHEMA_VERSION, Subjects, type PodPolicyReply, type PodPolicyRequest } from '@wirehook/contracts';
import { PodPolicyService } from './pod-policy.service';

/** Workers' hub.blockPod / hub.unblockPod, answered by one hub replica. */
@Controller()
export class PodPolicyController {
  constructor(private readonly policies: PodPolicyService) {}

  @MessagePattern(Subjects.podPolicy, { queue: QueueGroups.hub })
  async apply(@Payload() request: PodPolicyRequest): Promise<PodPolicyReply> {
    if ((request.action !== 'block' && request.action !== 'unblock') || typeof request.name !== 'string' || typeof request.namespace !== 'string') {
      return { v: SCHEMA_VERSION, ok: false, error: 'malformed request: action must be block or unblock, name and namespace strings' };
    }
    const from = { node: String(request.from?.node ?? '?'), agent: String(request.from?.agent ?? '?') };
    try {
      const { policy } = await this.policies.apply(request.action, request.name, request.namespace, from);
      return { v: SCHEMA_VERSION, ok: true, policy };
    } catch (error) {
      return { v: SCHEMA_VERSION, ok: false, error: (error as Error).message };
    }
  }
}
