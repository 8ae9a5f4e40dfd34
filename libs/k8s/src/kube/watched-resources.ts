import { CoreV1Api, DiscoveryV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { RawEndpointSlice, RawObject, RawPod, RawService } from './raw-objects';

/** One page of a list, in the API server's JSON form. */
export interface RawList<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[];
}

/** A resource type an Informer can list and watch, in one namespace or all. */
export interface WatchedResource<T extends RawObject> {
  /** Plural name: the path segment, and how log lines name it. */
  plural: string;
  /** `/api/v1` or `/apis/<group>/<version>`. */
  apiPrefix: string;
  /** One page of the list (`limit`, `continue`); namespace undefined = every namespace. */
  listPage(kubeConfig: KubeConfig, namespace: string | undefined, continueToken: string | undefined, limit: number): Promise<RawList<T>>;
}

// The typed clients deserialise into models (timestamps become Date objects); the raw JSON body
// the server sent is kept on the response, and that is what Wirehook uses.
async function rawBody<T>(call: Promise<{ response: unknown }>): Promise<RawList<T>> {
  const { response } = await call;
  return ((response as { body?: unknown }).body ?? {}) as RawList<T>;
}

export const POD_RESOURCE: WatchedResource<RawPod> = {
  plural: 'pods',
  apiPrefix: '/api/v1',
  listPage(kubeConfig, namespace, continueToken, limit) {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    return rawBody(
      namespace === undefined
        ? core.listPodForAllNamespaces(undefined, continueToken, undefined, undefined, limit)
        : core.listNamespacedPod(namespace, undefined, undefined, continueToken, undefined, undefined, limit),
    );
  },
};

export const SERVICE_RESOURCE: WatchedResource<RawService> = {
  plural: 'services',
  apiPrefix: '/api/v1',
  listPage(kubeConfig, namespace, continueToken, limit) {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    return rawBody(
      namespace === undefined
        ? core.listServiceForAllNamespaces(undefined, continueToken, undefined, undefined, limit)
        : core.listNamespacedService(namespace, undefined, undefined, continueToken, undefined, undefined, limit),
    );
  },
};

export const ENDPOINT_SLICE_RESOURCE: WatchedResource<RawEndpointSlice> = {
  plural: 'endpointslices',
  apiPrefix: '/apis/discovery.k8s.io/v1',
  listPage(kubeConfig, namespace, continueToken, limit) {
    const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
    return rawBody(
      namespace === undefined
        ? discovery.listEndpointSliceForAllNamespaces(undefined, continueToken, undefined, undefined, limit)
        : discovery.listNamespacedEndpointSlice(namespace, undefined, undefined, continueToken, undefined, undefined, limit),
    );
  },
};
