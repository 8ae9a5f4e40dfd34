import { LogLevel, WebClient } from '@slack/web-api';
import type { HelperContext, HelperError } from '@wirehook/plugin-sdk';
import { toFields, type FieldsArgument, type SlackAttachment } from './attachment';
import { readAgentFiles, type FilesArgument } from './agent-file';
import { slackFailure } from './slack-failure';

export interface SlackSettings {
  apiUrl: string;
  maxFileBytes: number;
}

export type SlackBotArgs = [token: string, channel: string, pretext: string, text: string, color: string, fields?: FieldsArgument, files?: FilesArgument];

/**
 * `vendor.slackBot(token, channel, pretext, text, color, fields?, files?)`: chat.postMessage with one
 * attachment, then each file uploaded to the channel (files.getUploadURLExternal, the upload, then
 * files.completeUploadExternal). Files are read before anything is posted, so a bad path posts nothing.
 */
export async function slackBot(args: SlackBotArgs, context: HelperContext<SlackSettings>): Promise<true> {
  const [token, channel, pretext, text, color, fields, files] = args;
  const uploads = await readAgentFiles(files, context.filesRoot, context.settings.maxFileBytes);
  const client = new WebClient(token, {
    slackApiUrl: context.settings.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
    fetch: (url, init) => fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, context.signal]) : context.signal }),
  });
  const attachment: SlackAttachment = { pretext, text, color, fields: toFields(fields) };
  let posted: { channel?: string };
  try {
    posted = await client.chat.postMessage({ channel, text: pretext || text, attachments: [attachment] });
  } catch (error) {
    throw slackFailure('Slack chat.postMessage', error);
  }
  for (const upload of uploads) {
    try {
      await client.filesUploadV2({ channel_id: posted.channel ?? channel, file: upload.data, filename: upload.filename, title: upload.filename });
    } catch (error) {
      // The message is out already: repeating the whole call would post it twice.
      const failure: HelperError = slackFailure(`Slack file upload of ${upload.filename} (message was posted)`, error);
      failure.retryable = false;
      throw failure;
    }
  }
  context.metrics.increment('slack_messages');
  return true;
}
