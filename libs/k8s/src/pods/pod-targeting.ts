import type { RawPod } from '../kube/raw-objects';

export interface PodTargetingOptions {
  /** Namespaces whose pods are targeted; empty = every namespace. */
  namespaces: readonly string[];
  /** Pod name patterns (unanchored regular expressions); a targeted pod matches one. Empty = every pod. */
  include: readonly string[];
  /** Pod name patterns that exclude a pod even when it is included. */
  exclude: readonly string[];
}

/** `target`: gets pod events and is listed in targets; `excluded`: listed in excluded only; `outside`: neither. */
export type PodTargetClass = 'target' | 'excluded' | 'outside';

/** Which pods Wirehook targets: `kubernetes.targetNamespaces` and `kubernetes.pods.include/exclude`. */
export class PodTargeting {
  private readonly namespaces: ReadonlySet<string>;
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];

  constructor(options: PodTargetingOptions) {
    this.namespaces = new Set(options.namespaces);
    this.include = options.include.map((pattern) => compile(pattern, 'include'));
    this.exclude = options.exclude.map((pattern) => compile(pattern, 'exclude'));
  }

  classify(pod: RawPod): PodTargetClass {
    const namespace = pod.metadata?.namespace ?? '';
    if (this.namespaces.size > 0 && !this.namespaces.has(namespace)) return 'outside';
    const name = pod.metadata?.name ?? '';
    if (this.include.length > 0 && !this.include.some((pattern) => pattern.test(name))) return 'excluded';
    if (this.exclude.some((pattern) => pattern.test(name))) return 'excluded';
    return 'target';
  }
}

function compile(pattern: string, which: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new Error(`kubernetes.pods.${which}: "${pattern}" is not a valid regular expression: ${(error as Error).message}`);
  }
}
