import { KubeConfig } from '@kubernetes/client-node';

/**
 * The cluster to talk to: an explicit kubeconfig file, else the default chain of the client
 * ($KUBECONFIG, ~/.kube/config, in-cluster service account).
 */
export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  const config = new KubeConfig();
  try {
    if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
    else config.loadFromDefault();
  } catch (error) {
    throw new Error(`cannot load kubeconfig${kubeconfigPath ? ` ${kubeconfigPath}` : ''}: ${(error as Error).message}`);
  }
  if (!config.getCurrentCluster()) throw new Error(`kubeconfig${kubeconfigPath ? ` ${kubeconfigPath}` : ''} names no current cluster`);
  return config;
}
