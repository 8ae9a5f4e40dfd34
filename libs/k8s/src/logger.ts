/** Where the k8s library reports what it did and what went wrong; messages name the object concerned. */
export interface K8sLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
