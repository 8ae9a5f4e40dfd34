import { IncomingWebhook } from '@slack/webhook';
import type { HelperContext } from '@wirehook/plugin-sdk';
import { slackFailure } from './slack-failure';

export type SlackArgs = [webhookUrl: string, pretext: string, text: string, color: string];

/** `vendor.slack(webhookUrl, pretext, text, color)`: one attachment to an incoming webhook. */
export async function slack([webhookUrl, pretext, text, color]: SlackArgs, context: HelperContext): Promise<true> {
  const webhook = new IncomingWebhook(webhookUrl, {
    // The library's own retries are off: the host's delivery queue retries where it is safe.
    retryConfig: { retries: 0 },
    fetch: (url, init) => fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, context.signal]) : context.signal }),
  });
  try {
    await webhook.send({ attachments: [{ pretext, text, color }] });
  } catch (error) {
    throw slackFailure('Slack incoming webhook', error);
  }
  return true;
}
