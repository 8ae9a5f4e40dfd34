import { randomUUID, createHash } from 'node:crypto';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HelperContext, HelperError } from '@wirehook/plugin-sdk';

export interface KinesisSettings {
  endpoint?: string;
  partitionKey: 'random' | 'agent';
}

export type KinesisPutArgs = [stream: string, payload: unknown, region: string, keyId: string, secret: string];

/** Errors after which the same request cannot succeed: a retry would only repeat them. */
const PERMANENT = new Set([
  'ResourceNotFoundException',
  'ValidationException',
  'InvalidArgumentException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSNotFoundException',
]);

/** Clients by endpoint, region and credentials: one connection pool each, kept while the plugin is loaded. */
const clients = new Map<string, KinesisClient>();
const MAX_CLIENTS = 32;

/** `vendor.kinesis.put(stream, payload, region, keyId, secret)`: PutRecord; returns the SequenceNumber. */
export async function kinesisPut(args: KinesisPutArgs, context: HelperContext<KinesisSettings>): Promise<string> {
  const [stream, payload, region, keyId, secret] = args;
  const endpoint = context.settings.endpoint ?? context.env.WIREHOOK_KINESIS_ENDPOINT;
  const client = clientFor(region, keyId, secret, endpoint);
  const data = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload ?? null), 'utf8');
  const target = stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream };
  const partitionKey = context.settings.partitionKey === 'agent' ? context.agent.id.slice(0, 256) : randomUUID();
  try {
    const result = await client.send(new PutRecordCommand({ ...target, Data: data, PartitionKey: partitionKey }), { abortSignal: context.signal });
    context.metrics.increment('kinesis_bytes', data.length);
    return result.SequenceNumber ?? '';
  } catch (error) {
    throw kinesisFailure(stream, error, context.signal);
  }
}

/** Closes every client (plugin unloaded). */
export function closeClients(): void {
  for (const client of clients.values()) client.destroy();
  clients.clear();
}

function clientFor(region: string, keyId: string, secret: string, endpoint: string | undefined): KinesisClient {
  const key = [endpoint ?? '', region, keyId, createHash('sha256').update(secret).digest('hex')].join('\n');
  let client = clients.get(key);
  if (!client) {
    if (clients.size >= MAX_CLIENTS) {
      const [oldestKey, oldest] = clients.entries().next().value as [string, KinesisClient];
      oldest.destroy();
      clients.delete(oldestKey);
    }
    client = new KinesisClient({
      region,
      endpoint,
      credentials: { accessKeyId: keyId, secretAccessKey: secret },
      // The host's delivery queue retries (with its own counters); the SDK makes one attempt.
      maxAttempts: 1,
      // HTTP/1.1: the SDK's default HTTP/2 handler is for SubscribeToShard, PutRecord does not need it.
      requestHandler: new NodeHttpHandler({ connectionTimeout: 5000 }),
    });
    clients.set(key, client);
  }
  return client;
}

function kinesisFailure(stream: string, error: unknown, signal: AbortSignal): HelperError {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  const failure: HelperError = new Error(`Kinesis PutRecord on ${stream}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? code ?? String(error)}`);
  if (e.name && PERMANENT.has(e.name)) failure.retryable = false;
  else if (e.name === 'ProvisionedThroughputExceededException' || e.name === 'LimitExceededException' || code === 'ECONNREFUSED') failure.retryable = true;
  return failure;
}
