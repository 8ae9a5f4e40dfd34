import { z } from 'zod';

/**
 * The one configuration schema. Keys follow Kubeshark's names where one exists
 * (`scripting.*`, `tap.*`). Unknown keys are refused so that a typo is reported,
 * not silently ignored.
 */

const port = z.number().int().min(0).max(65535);

/** A JavaScript regular expression, checked when the configuration is loaded. */
const podNamePattern = z.string().min(1).refine(
  (pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const limitsSchema = z
  .strictObject({
    /** CPU time one hook call (one batch) may take, in ms. */
    hookCpuMs: z.number().int().positive().default(1000),
    /** CPU time one job run may take, in ms. */
    jobCpuMs: z.number().int().positive().default(5000),
    /** Top-level code at load time, in ms. */
    loadCpuMs: z.number().int().positive().default(2000),
    /** Heap budget per agent sandbox, in MB (isolated-vm minimum is 8). */
    memoryMb: z.number().int().min(8).default(64),
    /** Console lines per second per agent before lines are dropped and counted. */
    consoleLinesPerSecond: z.number().int().positive().default(100),
  })
  .prefault({});

export const configSchema = z.strictObject({
  node: z
    .strictObject({
      /** Name of this node as shown in logs and items; defaults to the host name (or "local" all-in-one). */
      name: z.string().min(1).optional(),
    })
    .prefault({}),
  hub: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: port.default(8898),
      /** URL workers and the CLI use to reach the hub API. */
      url: z.url().optional(),
      /** Folder of pcap/pcapng files the dashboard's dry run replays; default: the worker's bundled captures (libs/worker/assets). */
      capturesDir: z.string().min(1).optional(),
    })
    .prefault({}),
  worker: z
    .strictObject({
      /** A worker process (not all-in-one, where the hub serves it) exposes `/metrics` here; 0 = off. */
      metricsPort: port.default(9469),
      metricsHost: z.string().min(1).default('127.0.0.1'),
    })
    .prefault({}),
  nats: z
    .strictObject({
      /** When unset, hub and worker run in one process on an in-process bus. */
      url: z.string().min(1).optional(),
      /** Publishes buffered while disconnected, beyond which they are dropped and counted. */
      maxPendingBytes: z.number().int().positive().default(16 * 1024 * 1024),
      /** The JetStream stream over `wirehook.items.>` that external consumers read durably. */
      itemsStream: z
        .strictObject({
          enabled: z.boolean().default(true),
          name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('WIREHOOK_ITEMS'),
          /** Items older than this are removed; 0 = kept until maxBytes. */
          maxAgeSeconds: z.number().int().min(0).default(24 * 3600),
          /** Oldest items are removed beyond this size; -1 = no limit. */
          maxBytes: z.number().int().min(-1).default(1024 * 1024 * 1024),
          /** A resent item (same id) within this window is stored once. */
          duplicateWindowSeconds: z.number().int().positive().default(120),
        })
        .prefault({}),
    })
    .prefault({}),
  database: z
    .strictObject({
      /** postgres://… ; when unset, PGlite stores data under `dataDir`. */
      url: z.string().min(1).optional(),
      dataDir: z.string().min(1).default('./data'),
    })
    .prefault({}),
  tap: z
    .strictObject({
      /** Live capture interface (libpcap); needs the `cap` addon and capture permission. */
      interface: z.string().min(1).optional(),
      /** BPF filter for live capture. */
      filter: z.string().default(''),
      /** Replay this pcap/pcapng file instead of capturing live. */
      pcap: z.string().min(1).optional(),
      /** Replay the file again when it ends. */
      loop: z.boolean().default(true),
      /** Replay speed: 0 = as fast as possible, 1 = original timing. */
      speed: z.number().min(0).default(1),
      /** Publish packet summaries on the bus. */
      packets: z.boolean().default(false),
      /** A rolling pcap per stream, for the agents' `pcap.*` helpers. */
      recording: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** Default: `<database.dataDir>/recordings/<node>`. */
          directory: z.string().min(1).optional(),
          /** A stream idle this long is removed. */
          ttlSeconds: z.number().int().positive().default(600),
          /** Disk budget for all stream files; the oldest go first. */
          maxBytes: z.number().int().positive().default(512 * 1024 * 1024),
        })
        .prefault({}),
    })
    .prefault({}),
  scripting: z
    .strictObject({
      /** Values agents read as `env.NAME`. Never returned by the API. */
      env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
      /** Folder of agent `.js` files. */
      source: z.string().default('./agents'),
      /** More folders of agent files. */
      sources: z.array(z.string()).default([]),
      /** Titles of the agents to run; empty = all. */
      active: z.array(z.string()).default([]),
      /** Watch the source folders and reload changed agents. */
      watchScripts: z.boolean().default(true),
      limits: limitsSchema,
      /** Agents' console output goes to stdout too (all-in-one). */
      consoleToStdout: z.boolean().default(true),
    })
    .prefault({}),
  plugins: z
    .strictObject({
      /**
       * Folder of installed plugin packages (`packages/<name>@<version>`): the hub unpacks into it and
       * every node loads from its own; a node fetches what its folder lacks from the hub over NATS
       * (Buckets.pluginPackages), so sharing it is optional. Default `<database.dataDir>/plugins`.
       */
      dir: z.string().min(1).optional(),
      /** Let the hub run `npm install` for dependencies a plugin neither bundles nor finds on the host (needs the registry). */
      installDependencies: z.boolean().default(false),
      /** Longest wait of an agent for one helper call, in ms (the runtime also caps it at the hook and job budgets). */
      callTimeoutMs: z.number().int().positive().default(5000),
    })
    .prefault({}),
  kubernetes: z
    .strictObject({
      /** Use the Kubernetes API: ConfigMap mirror of agents, pod watch (`onPodEvent`), workload names on items. */
      enabled: z.boolean().default(false),
      /** kubeconfig file; default: in-cluster service account, else ~/.kube/config ($KUBECONFIG). */
      kubeconfig: z.string().min(1).optional(),
      /** Namespace of Wirehook's own objects (the ConfigMap). */
      namespace: z.string().min(1).default('default'),
      /** ConfigMap that mirrors the active agents. */
      configMap: z.string().min(1).default('wirehook-config-map'),
      /** Namespaces whose pods, services and endpoint slices are watched; empty = every namespace. */
      targetNamespaces: z.array(z.string().min(1)).default([]),
      pods: z
        .strictObject({
          /**
           * Watch pods (hub: `onPodEvent`, `hub.targeted()`) and, on workers, pods, services and endpoint
           * slices for the workload names on items.
           */
          watch: z.boolean().default(true),
          /** Pod name patterns (regular expressions, unanchored); a pod must match one to be targeted. Empty = every pod. */
          include: z.array(podNamePattern).default([]),
          /** Pod name patterns that exclude a pod: no `onPodEvent`, listed in `hub.targeted().excluded`. */
          exclude: z.array(podNamePattern).default([]),
        })
        .prefault({}),
      networkPolicy: z
        .strictObject({
          /** Let agents call `hub.blockPod` / `hub.unblockPod` (deny-all NetworkPolicies; needs RBAC on networkpolicies and pods patch). */
          enabled: z.boolean().default(false),
        })
        .prefault({}),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    })
    .prefault({}),
});

/** Configuration as written by a user (every key optional). */
export type WirehookConfigInput = z.input<typeof configSchema>;
/** Configuration after validation and defaults. */
export type WirehookConfig = z.output<typeof configSchema>;
export type RuntimeLimits = WirehookConfig['scripting']['limits'];
