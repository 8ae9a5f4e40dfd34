export { createDissectionPipeline, type DissectionPipeline, type DissectionPipelineOptions } from './pipeline';
export { DEFAULT_LIMITS, resolveLimits, type DissectionLimits } from './limits';
export { emptyStats, type DissectionStats } from './stats';
export type { EndpointIdentity, EndpointResolver } from './flow';
export { detectTcp, type Detection, type DetectionContext, type TcpProtocolName } from './detect';
export { parseDnsMessage, DnsParseError, type DnsMessage } from './dns/dns-message';
export { replayCaptureToItems, type ReplayOptions, type ReplayProgress, type ReplaySummary } from './replay';
